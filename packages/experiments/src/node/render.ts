import { join } from 'node:path';
import sharp from 'sharp';
import * as vega from 'vega';
import * as vl from 'vega-lite';
import type { Summary } from '../aggregate';
import { figureSpec } from '../figure';
import { writeText } from './files';

interface TextItem {
  text?: unknown;
  fontSize?: number;
  fontWeight?: string | number;
}

/**
 * Width in pixels of `text` in DejaVu Sans, the figures' font: its average advance is about 0.52 em
 * (0.56 em bold). Without a canvas package vega estimates 0.8 em per character, which sizes the SVG
 * about a third wider than what it draws (long titles left the plot in the left half of the canvas).
 */
function dejaVuWidth(item: TextItem, text?: unknown): number {
  const value = text ?? item.text ?? '';
  const lines = Array.isArray(value) ? value.map(String) : [String(value)];
  const size = item.fontSize ?? 11;
  const weight = item.fontWeight;
  const bold = weight === 'bold' || (typeof weight === 'number' && weight >= 600);
  const em = bold ? 0.58 : 0.54;
  return Math.ceil(Math.max(0, ...lines.map((l) => l.length)) * size * em);
}

/** SVG of a Vega-Lite spec, rendered in Node by vega's headless `View.toSVG()`. */
export async function vegaLiteToSvg(spec: Record<string, unknown>): Promise<string> {
  const compiled = vl.compile(spec as unknown as vl.TopLevelSpec).spec;
  // vega's text metrics are module state (not in its typings): swap in ours for this render only.
  const metrics = (vega as unknown as { textMetrics: { width: (item: TextItem, text?: unknown) => number } })
    .textMetrics;
  const estimate = metrics.width;
  metrics.width = dejaVuWidth;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
    metrics.width = estimate;
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
  return renderVegaLite(figureSpec(summary), dir, summary.experiment);
}

/** Renders a Vega-Lite spec into `dir` as `<name>.svg`, `<name>.png` and `<name>.vl.json`. */
export async function renderVegaLite(
  spec: Record<string, unknown>,
  dir: string,
  name: string,
): Promise<FigureFiles> {
  const svg = await vegaLiteToSvg(spec);
  const files: FigureFiles = {
    svg: join(dir, `${name}.svg`),
    png: join(dir, `${name}.png`),
    vegaLite: join(dir, `${name}.vl.json`),
  };
  writeText(files.svg, svg);
  writeText(files.png, await svgToPng(svg));
  writeText(files.vegaLite, `${JSON.stringify(spec, null, 2)}\n`);
  return files;
}
