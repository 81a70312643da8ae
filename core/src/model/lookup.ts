// Finds a model's architecture: a local folder named by `model`, `mcore_model` or `load` (its config.json, or the
// model its args.json names), the ModelScope and Hugging Face caches (honouring MODELSCOPE_CACHE, HF_HOME,
// HF_HUB_CACHE), then the bundled table of popular models. Returns undefined when nothing is known: rules that
// need the facts then stay silent rather than guess.
import * as path from 'path';
import { z } from 'zod';
import { FileView, resolvePath } from '../files';
import type { RuleContext } from '../rules/context';
import { ModelFacts, ModelFactsProvider } from './facts';

export interface ModelLookupOptions {
  files: FileView;
  /** the folder relative paths are resolved against (where the run is launched) */
  baseDir: string;
  /** the host environment (HOME, MODELSCOPE_CACHE, HF_HOME, HF_HUB_CACHE) */
  env: Record<string, string | undefined>;
}

const ArchSchema = z.object({ models: z.record(z.string(), z.record(z.string(), z.unknown())) }).passthrough();

let table: Map<string, { id: string; config: Record<string, unknown> }> | undefined;

function bundledTable(): Map<string, { id: string; config: Record<string, unknown> }> {
  if (!table) {
    table = new Map();
    const data = ArchSchema.parse(require('../../data/model-archs.json'));
    for (const [id, config] of Object.entries(data.models)) {
      const aliases = Array.isArray(config.aliases) ? (config.aliases as string[]) : [];
      for (const name of [id, ...aliases]) table.set(name.toLowerCase(), { id, config });
    }
  }
  return table;
}

/** Facts for a model id from the bundled table (case-insensitive; also matches the id without its org). */
export function bundledModelFacts(id: string): ModelFacts | undefined {
  const t = bundledTable();
  const key = id.trim().replace(/\/+$/, '').toLowerCase();
  let hit = t.get(key);
  if (!hit) {
    const base = key.split('/').pop()!;
    for (const [k, v] of t) if (k.split('/').pop() === base) { hit = v; break; }
  }
  if (!hit) return undefined;
  // a short origin for messages; where the numbers were checked goes in `source`
  const facts = factsFromConfig(hit.config, `bundled table (${hit.id})`);
  facts.source = String(hit.config.source ?? 'published config.json');
  return facts;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** Maps an HF config.json (or a multimodal one with text_config) onto the facts the rules use. */
export function factsFromConfig(raw: Record<string, unknown>, origin: string): ModelFacts {
  const text = raw.text_config && typeof raw.text_config === 'object' ? (raw.text_config as Record<string, unknown>) : undefined;
  const get = (k: string): unknown => (raw[k] !== undefined && raw[k] !== null ? raw[k] : text?.[k]);
  const first = (...keys: string[]) => {
    for (const k of keys) {
      const v = num(get(k));
      if (v !== undefined) return v;
    }
    return undefined;
  };
  const facts: ModelFacts = { origin, raw: { ...(text ?? {}), ...raw } };
  const set = <K extends keyof ModelFacts>(k: K, v: ModelFacts[K] | undefined) => {
    if (v !== undefined) facts[k] = v;
  };
  const modelType = get('model_type');
  set('modelType', typeof modelType === 'string' ? modelType : undefined);
  set('numLayers', first('num_hidden_layers', 'num_layers', 'n_layer'));
  set('hiddenSize', first('hidden_size', 'd_model', 'n_embd'));
  set('ffnHiddenSize', first('intermediate_size', 'ffn_hidden_size'));
  const heads = first('num_attention_heads', 'n_head');
  set('numAttentionHeads', heads);
  set('numQueryGroups', first('num_key_value_heads', 'num_query_groups') ?? heads);
  set('headDim', first('head_dim', 'kv_channels'));
  set('vocabSize', first('vocab_size', 'padded_vocab_size'));
  set('maxPositionEmbeddings', first('max_position_embeddings', 'seq_length'));
  set('numExperts', first('num_experts', 'n_routed_experts', 'moe_num_experts', 'num_local_experts'));
  set('moeRouterTopk', first('num_experts_per_tok', 'moe_topk', 'moe_k'));
  set('moeFfnHiddenSize', first('moe_intermediate_size'));
  const shared = first('shared_expert_intermediate_size');
  const nShared = first('n_shared_experts');
  const moeFfn = first('moe_intermediate_size');
  set('sharedExpertIntermediateSize', shared ?? (nShared !== undefined && moeFfn !== undefined ? nShared * moeFfn : undefined));
  const norm = get('norm_topk_prob');
  set('normTopkProb', typeof norm === 'boolean' ? norm : undefined);
  set('kvLoraRank', first('kv_lora_rank'));
  const dtype = get('torch_dtype') ?? get('dtype');
  set('torchDtype', typeof dtype === 'string' ? dtype : undefined);
  const tie = get('tie_word_embeddings');
  set('tieWordEmbeddings', typeof tie === 'boolean' ? tie : undefined);
  set('linearNumKeyHeads', first('linear_num_key_heads'));
  set('linearNumValueHeads', first('linear_num_value_heads'));
  set('firstKDenseReplace', first('first_k_dense_replace'));
  return facts;
}

function readConfig(files: FileView, file: string): Record<string, unknown> | undefined {
  const text = files.readText(file, 2 * 1024 * 1024);
  if (text === undefined) return undefined;
  try {
    const v = JSON.parse(text);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function cacheCandidates(id: string, env: Record<string, string | undefined>): string[] {
  const home = env.HOME ?? env.USERPROFILE ?? '';
  const [org, name] = id.split('/', 2);
  if (!org || !name) return [];
  const out: string[] = [];
  const ms = env.MODELSCOPE_CACHE ?? path.join(home, '.cache', 'modelscope', 'hub');
  for (const n of [name, name.replace(/\./g, '___')]) {
    out.push(path.join(ms, 'models', org, n, 'config.json'));
    out.push(path.join(ms, org, n, 'config.json'));
  }
  const hfHub = env.HF_HUB_CACHE ?? path.join(env.HF_HOME ?? path.join(home, '.cache', 'huggingface'), 'hub');
  out.push(path.join(hfHub, `models--${org}--${name}`, 'snapshots'));
  return out;
}

export function lookupModel(ref: string, opts: ModelLookupOptions, depth = 0): ModelFacts | undefined {
  const { files, baseDir, env } = opts;
  const trimmed = ref.trim();
  if (!trimmed) return undefined;
  const local = resolvePath(trimmed, baseDir, env.HOME);
  if (files.isDirectory(local)) {
    const cfg = readConfig(files, path.join(local, 'config.json'));
    if (cfg) return factsFromConfig(cfg, path.join(local, 'config.json'));
    // an mcore checkpoint or a run folder: args.json names the model it came from
    const args = readConfig(files, path.join(local, 'args.json'));
    const from = args && typeof args.model === 'string' ? args.model : undefined;
    if (from && depth < 2 && from !== trimmed) return lookupModel(from, opts, depth + 1);
    return undefined;
  }
  if (/^[\w.-]+\/[\w.-]+$/.test(trimmed)) {
    for (const c of cacheCandidates(trimmed, env)) {
      if (c.endsWith('snapshots')) {
        const snaps = files.list(c).sort().reverse();
        for (const s of snaps) {
          const cfg = readConfig(files, path.join(c, s, 'config.json'));
          if (cfg) return factsFromConfig(cfg, path.join(c, s, 'config.json'));
        }
        continue;
      }
      const cfg = readConfig(files, c);
      if (cfg) return factsFromConfig(cfg, c);
    }
  }
  return bundledModelFacts(trimmed);
}

/** The provider the checker uses: the config's `model`, else its Megatron checkpoint. */
export function createModelFactsProvider(opts: ModelLookupOptions): ModelFactsProvider {
  return (ctx: RuleContext) => modelFor(ctx, opts);
}

/** Bundled table only (no file system): used when no file access is given. */
export const bundledOnlyProvider: ModelFactsProvider = (ctx) => {
  const ref = ctx.str('model');
  return ref ? bundledModelFacts(ref) : undefined;
};

function modelFor(ctx: RuleContext, opts: ModelLookupOptions): ModelFacts | undefined {
  for (const name of ['model', 'mcore_model', 'load']) {
    if (!ctx.spec(name)) continue;
    const ref = ctx.str(name);
    if (!ref) continue;
    const f = lookupModel(ref, opts);
    if (f) return f;
  }
  return undefined;
}
