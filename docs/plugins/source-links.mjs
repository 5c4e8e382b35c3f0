// @ts-check
// TypeDoc plugin: a source link must point at a file of this repository. Declarations inherited from
// files outside it (TypeScript's lib.*.d.ts, @types/node, anything under node_modules, and a workspace package's
// built `dist/*.d.ts`, e.g. members every error class inherits from @pixsim/core's PixsimError) keep no source,
// since no repository URL can show them; everything else links to its path relative to the repository root
// (`displayBasePath` in typedoc.json).
import { relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Converter, DeclarationReflection, SignatureReflection } from 'typedoc';

const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));

/** @param {string} file */
const insideRepository = (file) => {
  const path = relative(repositoryRoot, file);
  const parts = path.split(sep).flatMap((p) => p.split('/'));
  return !path.startsWith('..') && !parts.includes('node_modules') && !parts.includes('dist');
};

/** @param {import('typedoc').Application} app */
export function load(app) {
  app.converter.on(Converter.EVENT_RESOLVE_END, (context) => {
    for (const reflection of Object.values(context.project.reflections)) {
      if (!(reflection instanceof DeclarationReflection || reflection instanceof SignatureReflection))
        continue;
      if (!reflection.sources) continue;
      const kept = reflection.sources.filter((source) => insideRepository(source.fullFileName));
      reflection.sources = kept.length > 0 ? kept : undefined;
    }
  });
}
