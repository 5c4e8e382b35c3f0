// @ts-check
// TypeDoc plugin: keeps inline code in the text of headings. TypeDoc takes a heading's text (for its anchor
// and for the "On this page" menu) from the heading's plain-text tokens only, so "From pixels to targets
// (`@pixsim/similarity`)" became the menu entry "From pixels to targets ()" and the anchor
// "from-pixels-to-targets-". Giving each inline code token of a heading a text child with its content makes
// TypeDoc see the code's text; the code is still rendered as <code> (markdown-it renders code_inline from
// its content, never from children). The anchors then agree with GitHub's, which also keep code text.
import { RendererEvent } from 'typedoc';

/** @param {any} state a markdown-it core state */
function headingCodeText(state) {
  const tokens = state.tokens;
  for (let i = 0; i + 1 < tokens.length; i++) {
    if (tokens[i].type !== 'heading_open' || tokens[i + 1].type !== 'inline') continue;
    for (const child of tokens[i + 1].children ?? []) {
      if (child.type === 'code_inline' && !child.children) {
        child.children = [new state.Token('text', '', 0)];
        child.children[0].content = child.content;
      }
    }
  }
}

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.renderer.on(
    RendererEvent.BEGIN,
    () => {
      const previous = app.options.getValue('markdownItLoader');
      app.options.setValue('markdownItLoader', (/** @type {any} */ parser) => {
        previous(parser);
        parser.core.ruler.push('pixsim_heading_code_text', headingCodeText);
      });
    },
    100,
  );
}
