import { join } from 'node:path';
import sharp from 'sharp';
import * as vega from 'vega';
import * as vl from 'vega-lite';
import type { Summary } from '../aggregate';
import { figureSpec } from '../figure';
import { writeText } from './files';

/** SVG of a Vega-Lite spec, rendered in Node by vega's headless `View.toSVG()`. */
export async function vegaLiteToSvg(spec: Record<string, unknown>): Promise<string> {
  const compiled = vl.compile(spec as unknown as vl.TopLevelSpec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** PNG of an SVG at `density` dpi (sharp / librsvg). */
export async function svgToPng(svg: string, density = 192): Promise<Buffer> {
  return sharp(Buffer.from(svg), { density }).png().toBuffer();
}

/** Paths of a rendered figure. */
export interface FigureFiles {
  svg: string;
  png: string;
  vegaLite: string;
}

/**
 * Renders the figure of `summary` into `dir` as `<experiment>.svg`, `<experiment>.png` and the Vega-Lite
 * spec `<experiment>.vl.json` (to restyle it elsewhere).
 */
export async function renderFigure(summary: Summary, dir: string): Promise<FigureFiles> {
  const spec = figureSpec(summary);
  const svg = await vegaLiteToSvg(spec);
  const files: FigureFiles = {
    svg: join(dir, `${summary.experiment}.svg`),
    png: join(dir, `${summary.experiment}.png`),
    vegaLite: join(dir, `${summary.experiment}.vl.json`),
  };
  writeText(files.svg, svg);
  writeText(files.png, await svgToPng(svg));
  writeText(files.vegaLite, `${JSON.stringify(spec, null, 2)}\n`);
  return files;
}
