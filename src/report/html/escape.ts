/**
 * HTML escaping for the report pages: every piece of text that comes from data (claim titles,
 * reasons, inputs, file names) goes through {@link escapeHtml} before it is put into a page.
 */

const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Escapes text for use in HTML element content and quoted attribute values.
 * @example escapeHtml('r < 1 & "x"') // 'r &lt; 1 &amp; &quot;x&quot;'
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}
