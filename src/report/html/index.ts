/** The generic HTML report writer: page shell, sections and elements (see page.ts, elements.ts). */
export * from './escape.ts';
export * from './elements.ts';
export * from './page.ts';
