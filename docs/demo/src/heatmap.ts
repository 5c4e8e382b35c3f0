/** Similarity heatmaps on a canvas: −1 blue, 0 white, +1 red, with the digits along the top and left edges. */

/** A diverging colour for v in [−1, 1] (blue–white–red, as RdBu reversed). */
export function divergingColour(v: number): [number, number, number] {
  const t = Math.max(-1, Math.min(1, Number.isFinite(v) ? v : 0));
  const blue: [number, number, number] = [33, 102, 172];
  const red: [number, number, number] = [178, 24, 43];
  const end = t < 0 ? blue : red;
  const a = Math.abs(t);
  return [0, 1, 2].map((k) => Math.round(255 + (end[k] - 255) * a)) as [number, number, number];
}

export interface HeatmapOptions {
  /** Pixels per matrix cell. */
  cell: number;
  /** Pixels (0–255) of the n digits, 784 bytes each; drawn along the edges when given. */
  digits?: Uint8Array;
}

/** Draws the n×n row-major `matrix` on `canvas` (resizing it). */
export function drawHeatmap(
  canvas: HTMLCanvasElement,
  matrix: Float32Array,
  n: number,
  options: HeatmapOptions,
): void {
  const { cell } = options;
  const margin = options.digits ? cell + 2 : 0;
  const size = margin + n * cell;
  const ratio = Math.max(1, Math.round(globalThis.devicePixelRatio ?? 1));
  if (canvas.width !== size * ratio) {
    canvas.width = size * ratio;
    canvas.height = size * ratio;
    canvas.style.width = `${size}px`;
    canvas.style.height = `${size}px`;
  }
  const context = canvas.getContext('2d');
  if (!context) return;
  context.setTransform(ratio, 0, 0, ratio, 0, 0);
  context.imageSmoothingEnabled = false;
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, size, size);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      const [red, green, blue] = divergingColour(matrix[r * n + c]);
      context.fillStyle = `rgb(${red},${green},${blue})`;
      context.fillRect(margin + c * cell, margin + r * cell, cell, cell);
    }
  }
  if (options.digits) {
    for (let k = 0; k < n; k++) {
      const thumb = digitCanvas(options.digits.subarray(k * 784, (k + 1) * 784));
      context.drawImage(thumb, margin + k * cell, 0, cell, cell);
      context.drawImage(thumb, 0, margin + k * cell, cell, cell);
    }
  }
}

const thumbs = new WeakMap<Uint8Array, HTMLCanvasElement>();

/** A 28×28 canvas of one digit (white on dark). */
function digitCanvas(pixels: Uint8Array): HTMLCanvasElement {
  const cached = thumbs.get(pixels);
  if (cached) return cached;
  const canvas = document.createElement('canvas');
  canvas.width = 28;
  canvas.height = 28;
  const context = canvas.getContext('2d')!;
  const image = context.createImageData(28, 28);
  for (let p = 0; p < 784; p++) {
    const v = 255 - pixels[p];
    image.data[4 * p] = v;
    image.data[4 * p + 1] = v;
    image.data[4 * p + 2] = v;
    image.data[4 * p + 3] = 255;
  }
  context.putImageData(image, 0, 0);
  thumbs.set(pixels, canvas);
  return canvas;
}

/** A horizontal colour bar from −1 to +1. */
export function drawColourBar(canvas: HTMLCanvasElement): void {
  const context = canvas.getContext('2d');
  if (!context) return;
  for (let x = 0; x < canvas.width; x++) {
    const [r, g, b] = divergingColour((2 * x) / (canvas.width - 1) - 1);
    context.fillStyle = `rgb(${r},${g},${b})`;
    context.fillRect(x, 0, 1, canvas.height);
  }
}
