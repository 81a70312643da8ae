// Naming the model in messages: "Qwen/Qwen2.5-7B-Instruct (bundled table)" or "… (/path/to/config.json)".
import { ModelFacts } from '../../model/facts';
import { RuleContext } from '../context';

/** the model as the config names it: `model`, else the Megatron checkpoint (`mcore_model`, 3.4.1's `load`) */
export function modelRef(ctx: RuleContext): string | undefined {
  for (const name of ['model', 'mcore_model', 'load']) {
    if (!ctx.spec(name)) continue;
    const s = ctx.str(name);
    if (s) return s;
  }
  return undefined;
}

/** "<model> (<where its facts came from>)" */
export function modelLabel(ctx: RuleContext, facts: ModelFacts | undefined = ctx.model()): string {
  const ref = modelRef(ctx);
  if (!facts) return ref ?? 'the model';
  const origin = facts.origin.startsWith('bundled table') ? 'bundled table' : facts.origin;
  return `${ref ?? 'the model'} (${origin})`;
}
