// Which name the audit log records for a UDF defined in a file. Fused records the saved UDF's
// name, not the function's (997 of 1,010 decorated functions in public Fused code are called
// `udf`). In order:
//   1. the decorator's `name="…"`;
//   2. the `name` of the UDF step in a `meta.json` in the same folder whose entrypoint is this
//      function (not in notebooks);
//   3. the function's own name when it is not `udf`;
//   4. otherwise the file's stem and the folder's name, as candidates: the one the audit log
//      knows wins (names the tree has loaded, else one distinct query shared by the file).
// Pure, no `vscode` import.
import * as l10n from '@vscode/l10n';
import type { MetaUdfStep } from './metaJson';
import type { UdfDefinition } from './udfSource';

export type NameSource = 'decorator' | 'metaJson' | 'function' | 'fileStem' | 'folder';

export interface NameCandidate {
  name: string;
  source: NameSource;
}

export interface NameContext {
  /** The file's name without `.py` / `.ipynb`. */
  fileStem?: string;
  /** The folder holding the file. */
  folderName?: string;
  /** UDF steps of the folder's meta.json (undefined: none, unreadable, or a notebook). */
  metaSteps?: readonly MetaUdfStep[];
}

const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,199}$/;

export function nameCandidates(definition: Pick<UdfDefinition, 'functionName' | 'decoratorName'>, context: NameContext): NameCandidate[] {
  if (definition.decoratorName && NAME.test(definition.decoratorName.value)) return [{ name: definition.decoratorName.value, source: 'decorator' }];
  const steps = (context.metaSteps ?? []).filter((step) => step.entrypoint === definition.functionName);
  if (steps.length) {
    // Two steps for one entrypoint: the one named like the file is the file's.
    const step = steps.find((s) => s.name === context.fileStem) ?? steps[0];
    return [{ name: step.name, source: 'metaJson' }];
  }
  if (definition.functionName !== 'udf') return [{ name: definition.functionName, source: 'function' }];
  const candidates: NameCandidate[] = [];
  if (context.fileStem && NAME.test(context.fileStem)) candidates.push({ name: context.fileStem, source: 'fileStem' });
  if (context.folderName && NAME.test(context.folderName) && context.folderName !== context.fileStem) candidates.push({ name: context.folderName, source: 'folder' });
  // Nothing better (an untitled file): the function's name is all there is.
  return candidates.length ? candidates : [{ name: definition.functionName, source: 'function' }];
}

/** Whether the audit log knows a name: true/false, or undefined when nobody asked yet. */
export type NameKnowledge = (name: string) => boolean | undefined;

export interface ChosenName {
  name: string;
  source: NameSource;
  candidates: NameCandidate[];
  /** How the choice among several candidates was made. */
  choice: 'only' | 'known' | 'unknown' | 'pending';
}

export function chooseName(candidates: readonly NameCandidate[], knows: NameKnowledge): ChosenName {
  const all = [...candidates];
  if (all.length === 1) return { ...all[0], candidates: all, choice: 'only' };
  const answers = all.map((candidate) => knows(candidate.name));
  const known = all.findIndex((_, index) => answers[index] === true);
  if (known >= 0) return { ...all[known], candidates: all, choice: 'known' };
  const pending = answers.some((answer) => answer === undefined);
  return { ...all[0], candidates: all, choice: pending ? 'pending' : 'unknown' };
}

/** Whether the definition's name depends on what the audit log knows. */
export function needsKnowledge(candidates: readonly NameCandidate[]): boolean {
  return candidates.length > 1;
}

function sourceText(source: NameSource): string {
  switch (source) {
    case 'decorator':
      return l10n.t('named by name= in @fused.udf');
    case 'metaJson':
      return l10n.t('named in meta.json');
    case 'function':
      return l10n.t("the function's name");
    case 'fileStem':
      return l10n.t("the file's name");
    case 'folder':
      return l10n.t("the folder's name");
  }
}

/**
 * Why this name, in a few words for a hover: "named in meta.json", or for candidates
 * "the folder's name (the audit log knows it; not “udf_v2”)". `rangeLabel` says which
 * runs were asked ("the last 24 h").
 */
export function describeNameChoice(chosen: ChosenName, rangeLabel: string): string {
  const base = sourceText(chosen.source);
  if (chosen.choice === 'only') return base;
  const others = chosen.candidates.filter((candidate) => candidate.name !== chosen.name).map((candidate) => `“${candidate.name}”`);
  switch (chosen.choice) {
    case 'known':
      return others.length
        ? l10n.t('{0}: the audit log has runs of it, not of {1} in {2}', base, others.join(l10n.t(' or ')), rangeLabel)
        : l10n.t('{0}: the audit log has runs of it in {1}', base, rangeLabel);
    case 'unknown':
      return others.length
        ? l10n.t('{0}: a guess, no runs of it or of {1} in {2}', base, others.join(l10n.t(' or ')), rangeLabel)
        : l10n.t('{0}: a guess, no runs of it in {1}', base, rangeLabel);
    case 'pending':
      return l10n.t('{0}: a guess until the audit log answers', base);
  }
}
