// @ts-check
// TypeDoc plugin: renders $…$ and $$…$$ mathematics in guides and API comments with KaTeX at build time
// (through @vscode/markdown-it-katex, a markdown-it plugin), and copies KaTeX's stylesheet and fonts into
// the site so that it works offline. The KaTeX files are the ones the markdown-it plugin renders with.
import { cpSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { JSX, RendererEvent } from 'typedoc';

const require = createRequire(import.meta.url);
const pluginEntry = require.resolve('@vscode/markdown-it-katex');
/** @type {(md: unknown, options?: Record<string, unknown>) => void} */
const markdownItKatex = require('@vscode/markdown-it-katex').default;
const katexDist = join(dirname(createRequire(pluginEntry).resolve('katex/package.json')), 'dist');

/** @param {import('typedoc').Application} app */
export function load(app) {
  // Before TypeDoc's own markdown plugin builds its parser (priority: higher runs first).
  app.renderer.on(
    RendererEvent.BEGIN,
    () => {
      const previous = app.options.getValue('markdownItLoader');
      app.options.setValue('markdownItLoader', (/** @type {any} */ parser) => {
        previous(parser);
        // A formula KaTeX cannot parse is rendered as <span class="katex-error">, which the link checker
        // (scripts/check-links.mjs) reports.
        parser.use(markdownItKatex, { throwOnError: false });
      });
    },
    100,
  );

  app.renderer.hooks.on('head.end', (context) =>
    JSX.createElement('link', {
      rel: 'stylesheet',
      href: context.relativeURL('assets/katex/katex.min.css', true),
    }),
  );

  app.renderer.on(RendererEvent.END, (event) => {
    const out = join(event.outputDirectory, 'assets', 'katex');
    mkdirSync(out, { recursive: true });
    cpSync(join(katexDist, 'katex.min.css'), join(out, 'katex.min.css'));
    cpSync(join(katexDist, 'fonts'), join(out, 'fonts'), { recursive: true });
  });
}
