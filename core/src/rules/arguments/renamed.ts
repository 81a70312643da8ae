// A Megatron-SWIFT 3.x argument name used with ms-swift 4 (save -> output_dir, load -> mcore_model, ...).
import { renameInV4 } from '../../catalog/catalog';
import { Fix, Rule, TextEdit } from '../types';

export const argumentRenamedInV4: Rule = {
  id: 'argument-renamed-in-v4',
  title: 'Megatron-SWIFT 3.x argument name used with 4.x',
  area: 'arguments',
  severity: { '4.5.2': 'error' },
  stage: { '4.5.2': 'args' },
  sources: [
    'modelscope/ms-swift@v3.4.1:swift/megatron/argument/megatron_args.py:70-96',
    'modelscope/ms-swift@v4.5.2:swift/megatron/arguments/megatron_args.py:561-587',
    'modelscope/ms-swift@v4.5.2:swift/pipelines/base.py:35-40',
  ],
  *check(ctx) {
    for (const { entry, resolution } of ctx.resolutions) {
      if (resolution.kind === 'exact' || resolution.kind === 'dashed') continue;
      const r = renameInV4(entry.key.replace(/-/g, '_'), ctx.command);
      if (!r) continue;
      const fixes: Fix[] = [];
      if (r.new && ctx.catalog.has(r.new) && r.new !== 'megatron_extra_kwargs') {
        const edits: TextEdit[] = [ctx.renameKeyEdit(entry, r.new)];
        const py = entry.py;
        if (r.relation === 'inverted' && py?.t === 'bool') edits.push({ range: entry.valueRange, newText: py.v ? 'false' : 'true' });
        if (r.relation === 'unit-change' && py?.t === 'int') edits.push({ range: entry.valueRange, newText: String(py.v * 60n) });
        if (r.old === 'use_flash_attn' && py?.t === 'bool' && py.v) edits.push({ range: entry.valueRange, newText: 'flash' });
        const skip = r.old === 'use_flash_attn' && !(py?.t === 'bool' && py.v);
        const title = edits.length > 1 ? `Replace with \`${r.new}: ${edits[1]!.newText}\`` : `Rename to \`${r.new}\``;
        if (!skip) fixes.push({ title, edits, preferred: true });
      }
      const ambiguous = resolution.kind === 'ambiguous' ? ` (as written it is also an ambiguous abbreviation of ${resolution.candidates.slice(0, 3).map((c) => `\`${c.name}\``).join(', ')})` : '';
      const prefix = resolution.kind === 'prefix' ? ` As written, argparse would silently take it as \`${resolution.spec.name}\`.` : '';
      yield {
        message: `\`${entry.key}\` is a Megatron-SWIFT 3.x argument: ${r.hint}${ambiguous}.${prefix}`,
        key: entry.key,
        range: entry.keyRange,
        fixes,
        tags: ['deprecated'],
      };
    }
  },
};
