/**
 * Building blocks of the report pages (verify, explore and the other commands' reports): tables,
 * verdict badges, figures with inlined SVG, collapsible details. Each returns an HTML string;
 * text arguments are escaped here, `Html` arguments are trusted markup built by these functions.
 */
import { escapeHtml } from './escape.ts';

/** Markup built by these helpers (already escaped); plain strings are escaped when used. */
export interface Html {
  readonly html: string;
}

/** Wraps trusted markup. */
export function raw(html: string): Html {
  return { html };
}

/** A cell or child: text (escaped) or trusted markup. */
export type Content = string | number | Html | null | undefined;

/** Renders content: text is escaped, markup passes through, null/undefined render as an em dash. */
export function render(c: Content): string {
  if (c === null || c === undefined) return '—';
  if (typeof c === 'object') return c.html;
  return escapeHtml(String(c));
}

/** Joins pieces of markup. */
export function join(parts: ReadonlyArray<Content>, sep = ''): Html {
  return raw(parts.map(render).join(sep));
}

/** An element with escaped text or markup content and optional (escaped) attributes. */
export function el(tag: string, content: Content | ReadonlyArray<Content>, attrs: Readonly<Record<string, string | undefined>> = {}): Html {
  const a = Object.entries(attrs)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${escapeHtml(v!)}"`)
    .join('');
  const body = Array.isArray(content) ? content.map(render).join('') : render(content as Content);
  return raw(`<${tag}${a}>${body}</${tag}>`);
}

/**
 * A table with a header row; `classes` optionally names a CSS class per row (e.g. the verdict).
 * @example table(['claim', 'verdict'], [['thm42-sandwich', badge('held')]])
 */
export function table(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<Content>>, options: { id?: string; rowIds?: readonly string[] } = {}): Html {
  const head = `<thead><tr>${header.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('')}</tr></thead>`;
  const body = rows
    .map((r, i) => {
      const id = options.rowIds?.[i];
      return `<tr${id !== undefined ? ` data-row="${escapeHtml(id)}"` : ''}>${r.map((c) => `<td>${render(c)}</td>`).join('')}</tr>`;
    })
    .join('');
  return raw(`<table${options.id !== undefined ? ` id="${escapeHtml(options.id)}"` : ''}>${head}<tbody>${body}</tbody></table>`);
}

/** A coloured badge for a verdict or status word (the CSS class is `badge-<word>`). */
export function badge(word: string): Html {
  const cls = word.toLowerCase().replace(/[^a-z0-9-]/g, '-');
  return raw(`<span class="badge badge-${cls}">${escapeHtml(word)}</span>`);
}

/**
 * A figure showing an SVG document, inlined as a data: URL (so that the vega ids of different
 * charts cannot collide and nothing is fetched), with a link to the SVG file beside the page.
 */
export function svgFigure(svg: string, caption: string, file?: string): Html {
  const src = `data:image/svg+xml;base64,${Buffer.from(svg, 'utf8').toString('base64')}`;
  const link = file !== undefined ? ` (<a href="${escapeHtml(file)}">${escapeHtml(file)}</a>)` : '';
  return raw(`<figure class="chart"><img src="${src}" alt="${escapeHtml(caption)}"><figcaption>${escapeHtml(caption)}${link}</figcaption></figure>`);
}

/** Preformatted text (e.g. a replay command or an input), escaped. */
export function code(text: string): Html {
  return raw(`<code>${escapeHtml(text)}</code>`);
}

/** A definition list of label → value. */
export function facts(pairs: ReadonlyArray<readonly [string, Content]>): Html {
  return raw(`<dl class="facts">${pairs.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${render(v)}</dd>`).join('')}</dl>`);
}
