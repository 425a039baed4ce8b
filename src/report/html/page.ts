/**
 * The page shell shared by every HTML report (verify, explore, …): one self-contained file with
 * inline CSS, no scripts and nothing loaded from the network. A Content-Security-Policy forbids
 * every fetch except `data:` images (the inlined charts), so a page that tried to load anything
 * would show it as a blocked request rather than silently phoning out.
 */
import { escapeHtml } from './escape.ts';
import { render, type Content } from './elements.ts';

/** One section of a page: a heading (with an anchor id) and its body. */
export interface HtmlSection {
  readonly id: string;
  readonly title: string;
  readonly body: Content | ReadonlyArray<Content>;
}

/** What a page shows. */
export interface HtmlPage {
  readonly title: string;
  /** One line under the title (seed, edition, version …). */
  readonly subtitle?: Content;
  readonly sections: readonly HtmlSection[];
}

/** Forbids every network fetch; allows the inline stylesheet and data: images only. */
export const CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

const STYLE = `
body{font-family:system-ui,-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#222;line-height:1.45}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{margin-top:2.2rem;border-bottom:1px solid #ddd;padding-bottom:.2rem}h3{margin-bottom:.3rem}
.subtitle{color:#555;margin-top:0}nav a{margin-right:1rem}
table{border-collapse:collapse;margin:.6rem 0;font-size:.9rem}th,td{border:1px solid #ddd;padding:.25rem .5rem;text-align:left;vertical-align:top}th{background:#f5f5f5}
.badge{display:inline-block;padding:.05rem .5rem;border-radius:.7rem;font-size:.8rem;font-weight:600;color:#fff;background:#777}
.badge-held{background:#2e7d32}.badge-violated{background:#c62828}.badge-vacuous{background:#6d6d6d}.badge-inconclusive{background:#ef6c00}.badge-measured{background:#1565c0}
.badge-interrupted{background:#8e24aa}.badge-yes{background:#2e7d32}.badge-no{background:#c62828}
figure.chart{display:inline-block;margin:.5rem 1rem .5rem 0}figure.chart img{max-width:100%;border:1px solid #eee}figcaption{font-size:.85rem;color:#555}
code{background:#f5f5f5;padding:.05rem .25rem;border-radius:3px;font-size:.85rem;word-break:break-all}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.15rem 1rem;margin:.3rem 0}dl.facts dt{color:#555}dl.facts dd{margin:0}
details.claim{border:1px solid #e3e3e3;border-radius:4px;padding:.4rem .8rem;margin:.5rem 0}details.claim summary{cursor:pointer;font-weight:600}
`;

/**
 * Renders a complete HTML document.
 * @example htmlPage({ title: 'report', sections: [{ id: 'x', title: 'X', body: 'text' }] })
 */
export function htmlPage(page: HtmlPage): string {
  const nav = page.sections.map((s) => `<a href="#${escapeHtml(s.id)}">${escapeHtml(s.title)}</a>`).join('');
  const sections = page.sections
    .map((s) => {
      const body = Array.isArray(s.body) ? s.body.map(render).join('\n') : render(s.body as Content);
      return `<section id="${escapeHtml(s.id)}"><h2>${escapeHtml(s.title)}</h2>\n${body}\n</section>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header><h1>${escapeHtml(page.title)}</h1>${page.subtitle !== undefined ? `<p class="subtitle">${render(page.subtitle)}</p>` : ''}<nav>${nav}</nav></header>
<main>
${sections}
</main>
</body>
</html>
`;
}
