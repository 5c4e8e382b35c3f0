#!/usr/bin/env node
// Checks every link of the built docs site (default: docs/dist), offline:
// - local links and media (href, src, CSS url(), the sidebar and search data of assets/navigation.js and
//   assets/search.js): the file must exist in the site, and a #fragment must be an id in the target page;
// - source links (https://github.com/pixsim/pixsim/blob/main/<path>#L<line>, and /tree/main/<path>): <path>
//   must be a file (a folder for /tree/) of this repository — tracked by git when git is available — and
//   <line> at most its number of lines;
// - mathematics: no formula KaTeX failed to render (class "katex-error");
// - headings: no entry of a page's "On this page" menu that lost its text (empty, or "()" where inline code
//   was), and no link whose text ends in "!" (a declaration reference such as {@link @pixsim/models!}
//   shown as written);
// - examples: every `// #region NAME` of a file under docs/examples that a guide includes with
//   {@includeCode FILE#NAME} is included by some guide (a region left out, such as the imports, is code the
//   reader never sees).
// Other external links are counted, not fetched. Exits 1 on any problem, listing each.
// Usage: node scripts/check-links.mjs [site folder]
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateSync } from 'node:zlib';

const docsDir = dirname(dirname(fileURLToPath(import.meta.url)));
const repositoryRoot = dirname(docsDir);
const site = resolve(process.argv[2] ?? join(docsDir, 'dist'));
const SOURCE_PREFIX = 'https://github.com/pixsim/pixsim/';

if (!existsSync(join(site, 'index.html'))) {
  console.error(`check-links: no site at ${site} (build it first: npx typedoc --options typedoc.json)`);
  process.exit(2);
}

// --- the repository's files -------------------------------------------------------------------------------
/** @returns {Set<string>} repository-relative paths with '/' separators */
function repositoryFiles() {
  try {
    const out = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
      cwd: repositoryRoot,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    return new Set(out.split('\0').filter((f) => f !== '' && existsSync(join(repositoryRoot, f))));
  } catch {
    // No git (an exported tarball): every file outside node_modules, dist and .git.
    const files = new Set();
    const walk = (dir) => {
      for (const entry of readdirSync(join(repositoryRoot, dir), { withFileTypes: true })) {
        if (['node_modules', 'dist', '.git', '.turbo'].includes(entry.name)) continue;
        const path = dir === '' ? entry.name : `${dir}/${entry.name}`;
        if (entry.isDirectory()) walk(path);
        else files.add(path);
      }
    };
    walk('');
    return files;
  }
}
const files = repositoryFiles();
const folders = new Set();
for (const f of files) for (let d = dirname(f); d !== '.'; d = dirname(d)) folders.add(d);
const lineCounts = new Map();
const linesOf = (path) => {
  if (!lineCounts.has(path)) {
    const text = readFileSync(join(repositoryRoot, path), 'utf8');
    lineCounts.set(path, text.endsWith('\n') ? text.split('\n').length - 1 : text.split('\n').length);
  }
  return lineCounts.get(path);
};

// --- the site's pages and their anchors --------------------------------------------------------------------
/** @param {string} dir @returns {string[]} */
const walkSite = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walkSite(join(dir, e.name)) : [join(dir, e.name)],
  );
const siteFiles = walkSite(site);
const decodeEntities = (s) =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
const anchorCache = new Map();
/** ids (and names) defined in an HTML or SVG file of the site */
const anchorsOf = (file) => {
  if (!anchorCache.has(file)) {
    const text = readFileSync(file, 'utf8');
    const ids = new Set();
    for (const m of text.matchAll(/\s(?:id|name)="([^"]*)"/g)) ids.add(decodeEntities(m[1]));
    anchorCache.set(file, ids);
  }
  return anchorCache.get(file);
};

// --- checking one link -----------------------------------------------------------------------------------------
const problems = [];
const counts = { local: 0, anchors: 0, source: 0, external: 0 };
const sourceFiles = new Set();
const external = new Set();

/** @param {string} link @param {string} from site file the link is in (or relative to) @param {string} where */
function check(link, from, where) {
  if (link === '' || link === '#' || /^(mailto|javascript|data|tel):/i.test(link)) return;
  if (link.startsWith(SOURCE_PREFIX)) return checkSource(link, where);
  if (/^[a-z][a-z0-9+.-]*:|^\/\//i.test(link)) {
    counts.external++;
    external.add(link);
    return;
  }
  counts.local++;
  const hash = link.indexOf('#');
  const pathPart = (hash === -1 ? link : link.slice(0, hash)).replace(/\?.*$/, '');
  const fragment = hash === -1 ? '' : decodeURIComponent(link.slice(hash + 1));
  let target = pathPart === '' ? from : resolve(dirname(from), decodeURIComponent(pathPart));
  if (pathPart.startsWith('/'))
    return problems.push(`${where}: ${link}: absolute path (the site must work from any folder)`);
  if (!(target + sep).startsWith(site + sep) && target !== site)
    return problems.push(`${where}: ${link}: points outside the site`);
  if (existsSync(target) && statSync(target).isDirectory()) target = join(target, 'index.html');
  if (!existsSync(target)) return problems.push(`${where}: ${link}: no such file ${relative(site, target)}`);
  if (fragment !== '' && ['.html', '.svg'].includes(extname(target))) {
    counts.anchors++;
    if (!anchorsOf(target).has(fragment))
      problems.push(`${where}: ${link}: no id "${fragment}" in ${relative(site, target)}`);
  }
}

function checkSource(link, where) {
  counts.source++;
  const m = /^https:\/\/github\.com\/pixsim\/pixsim\/(blob|tree)\/main\/([^#?]*)(?:#L(\d+))?$/.exec(link);
  if (!m) return problems.push(`${where}: ${link}: not a blob/main or tree/main link of the repository`);
  const [, kind, rawPath, line] = m;
  const path = decodeURIComponent(rawPath).replace(/\/$/, '');
  if (kind === 'tree') {
    if (!folders.has(path) && !files.has(path))
      problems.push(`${where}: ${link}: no folder ${path} in the repository`);
    return;
  }
  if (!files.has(path)) return problems.push(`${where}: ${link}: no file ${path} in the repository`);
  sourceFiles.add(path);
  if (line !== undefined && (Number(line) < 1 || Number(line) > linesOf(path)))
    problems.push(`${where}: ${link}: ${path} has ${linesOf(path)} lines`);
}

const textOf = (html) => decodeEntities(html.replace(/<[^>]*>/g, '')).trim();
/** The "On this page" menu and link texts of one page. @param {string} text @param {string} where */
function checkHeadings(text, where) {
  const menu = text.indexOf('class="page-menu"');
  if (menu !== -1) {
    const end = text.indexOf('class="site-menu"', menu);
    for (const m of text
      .slice(menu, end === -1 ? undefined : end)
      .matchAll(/<a href="#[^"]*"[^>]*>(.*?)<\/a>/gs)) {
      const entry = textOf(m[1]);
      if (entry === '' || /(^|\s)\(\s*\)|\s{2}/.test(entry))
        problems.push(
          `${where}: menu entry "${entry}": a heading lost its inline code (plugins/heading-text.mjs)`,
        );
    }
  }
  for (const m of text.matchAll(/<a\b[^>]*>(.*?)<\/a>/gs)) {
    const label = textOf(m[1]);
    if (/^@?[\w/.-]+!$/.test(label))
      problems.push(`${where}: link text "${label}": give the reference a text, {@link ${label} | …}`);
  }
}

// --- the pages ------------------------------------------------------------------------------------------------------
let pages = 0;
let mathErrors = 0;
for (const file of siteFiles) {
  const where = relative(site, file);
  const ext = extname(file);
  if (ext === '.html') {
    pages++;
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/<(?:a|link|img|script|source|use|image|iframe)\b[^>]*>/gi)) {
      for (const a of m[0].matchAll(/\s(?:href|src|xlink:href)="([^"]*)"/gi))
        check(decodeEntities(a[1]), file, where);
    }
    checkHeadings(text, where);
    const errors = text.match(/class="[^"]*\bkatex-error\b/g)?.length ?? 0;
    if (errors > 0) {
      mathErrors += errors;
      for (const e of text.matchAll(/class="[^"]*katex-error[^"]*" title="([^"]*)"/g))
        problems.push(`${where}: mathematics KaTeX cannot render: ${decodeEntities(e[1])}`);
    }
  } else if (ext === '.css') {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/url\(\s*(['"]?)([^'")]+)\1\s*\)/g)) check(m[2], file, where);
  }
}

// The sidebar and the search index: compressed JSON that the theme's scripts read (links relative to the root).
const siteData = (name, variable) => {
  const file = join(site, 'assets', name);
  if (!existsSync(file)) return undefined;
  const m = new RegExp(`window\\.${variable} = "([^"]*)"`).exec(readFileSync(file, 'utf8'));
  return m ? JSON.parse(inflateSync(Buffer.from(m[1], 'base64')).toString('utf8')) : undefined;
};
const root = join(site, 'index.html');
const walkNavigation = (nodes) => {
  for (const node of nodes ?? []) {
    if (node.path) check(node.path, root, `assets/navigation.js (${node.text})`);
    walkNavigation(node.children);
  }
};
walkNavigation(siteData('navigation.js', 'navigationData'));
for (const row of siteData('search.js', 'searchData')?.rows ?? []) {
  if (row.url) check(row.url, root, `assets/search.js (${row.name})`);
}

// --- the guides' examples: every region of an included file is included ------------------------------------------------
{
  const guides = join(docsDir, 'guides');
  const included = new Map(); // example file (absolute) → region names included
  for (const name of readdirSync(guides).filter((f) => f.endsWith('.md'))) {
    const text = readFileSync(join(guides, name), 'utf8');
    for (const m of text.matchAll(/\{@includeCode\s+([^#}\s]+)#([\w-]+)\s*\}/g)) {
      const file = resolve(guides, m[1]);
      if (!included.has(file)) included.set(file, new Set());
      included.get(file).add(m[2]);
    }
  }
  for (const [file, names] of included) {
    if (!existsSync(file)) continue; // typedoc itself fails on a missing file
    const regions = [...readFileSync(file, 'utf8').matchAll(/^\s*\/\/ #region ([\w-]+)/gm)].map((m) => m[1]);
    for (const region of regions) {
      if (!names.has(region))
        problems.push(
          `${relative(repositoryRoot, file)}: region "${region}" is included by no guide ({@includeCode …#${region}})`,
        );
    }
  }
}

// --- report ---------------------------------------------------------------------------------------------------------
const total = counts.local + counts.source + counts.external;
console.log(
  `check-links: ${pages} pages, ${total} links: ${counts.local} local (${counts.anchors} with an anchor), ` +
    `${counts.source} source links to ${sourceFiles.size} repository files, ${counts.external} external ` +
    `(${external.size} distinct, not fetched)`,
);
if (problems.length > 0) {
  const unique = [...new Set(problems)];
  for (const p of unique.slice(0, 200)) console.error(`  broken: ${p}`);
  if (unique.length > 200) console.error(`  … and ${unique.length - 200} more`);
  console.error(
    `check-links: ${unique.length} broken (${problems.length} occurrences; ${mathErrors} math errors)`,
  );
  process.exit(1);
}
console.log('check-links: 0 broken');
