// From a Megatron-SWIFT config to the estimator input: argument values and defaults through the catalog
// (ms-swift 3.4.1 and 4.5.2 names), the model's architecture from its config.json or the bundled table, the world
// size from the launcher ENV. estimateForConfig returns the estimate or the reason it cannot be made.
import { ruleContextFor } from '../check';
import * as path from 'path';
import { CommandName } from '../catalog/schema';
import { resolveContext } from '../config/context';
import { parseConfig } from '../config/parse';
import { FileView, resolvePath } from '../files';
import { ModelFacts, ModelFactsProvider } from '../model/facts';
import { cacheCandidates } from '../model/lookup';
import { LaunchContext, PythonEnvInfo, RuleContext } from '../rules/context';
import { parallelSizes } from '../rules/shared/parallel';
import { estimateMemory } from './estimate';
import { EstimateInputError } from './terms';
import {
  EstimateInput,
  EstimateResult,
  EstimateUnknown,
  LoraConfig,
  MlaShape,
  MoeShape,
  ModelShape,
  ParamDtype,
  PrecisionAwareConfig,
  RecomputeConfig,
  StateDtype,
} from './types';

export interface EstimateConfigOptions {
  /** the card's memory (GiB): needed to count a colocated vLLM engine (GRPO) */
  gpuMemoryGiB?: number;
  /** file access for the model's config.json (with baseDir) */
  files?: FileView;
  /** the folder the run starts in (relative model paths resolve against it) */
  baseDir?: string;
  /** HOME, MODELSCOPE_CACHE, HF_HOME, HF_HUB_CACHE for the model caches */
  hostEnv?: Record<string, string | undefined>;
  /** command / ms-swift version, overriding the modeline and the inference from the keys */
  command?: CommandName;
  version?: string;
  /** GPUs the launcher uses when ENV does not say */
  launch?: LaunchContext;
  /** the run's Python environment (apex present or not), when known */
  python?: PythonEnvInfo;
  /** where model facts come from (default: config.json on disk when files/baseDir are given, then the bundled table) */
  modelFacts?: ModelFactsProvider;
  /**
   * tokens per micro-batch to assume instead of the worst case micro_batch_size × max_length (padding-free data is
   * usually shorter: e.g. the measured token count of a typical batch)
   */
  tokensPerMicroBatch?: number;
}

/** Facts about the config that the what-if helpers need besides the estimator input. */
export interface ConfigFacts {
  command: CommandName;
  version: string;
  globalBatchSize: number;
  dp: number;
  /** GPUs per node (TP is best kept inside one) */
  gpusPerNode: number;
  /** tensor parallel size must divide these */
  tpDivides: number[];
  /** Megatron needs sequence parallel with TP > 1 when experts are parallel */
  moeNeedsSp: boolean;
  /** ETP follows TP (3.4.1) */
  etpFollowsTp: boolean;
}

export interface BuiltInput {
  input: EstimateInput;
  facts: ConfigFacts;
}

const GATED_EXCEPTIONS = new Set(['gpt2', 'gpt_neox', 'gptj', 'opt', 'bloom', 'falcon', 'phi', 'starcoder2', 'gpt_bigcode']);

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** megatron_extra_kwargs (4.5.2) as a mapping; {} when absent or unreadable */
function extraKwargs(ctx: RuleContext): Record<string, unknown> {
  if (ctx.version === '3.4.1' || !ctx.spec('megatron_extra_kwargs')) return {};
  let v = ctx.value('megatron_extra_kwargs');
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v);
    } catch {
      return {};
    }
  }
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** an architecture number: 3.4.1 argument, 4.5.2 megatron_extra_kwargs, then config.json */
function arch(ctx: RuleContext, extra: Record<string, unknown>, arg: string, fromFacts: number | undefined): number | undefined {
  if (ctx.version === '3.4.1') {
    const v = ctx.spec(arg) ? ctx.int(arg) : undefined;
    if (v !== undefined) return v;
  } else {
    const v = num(extra[arg]);
    if (v !== undefined) return v;
  }
  return fromFacts;
}

function modelRef(ctx: RuleContext): { key: string; ref: string } | undefined {
  for (const key of ['model', 'mcore_model', 'load']) {
    if (!ctx.spec(key)) continue;
    const ref = ctx.str(key);
    if (ref) return { key, ref };
  }
  return undefined;
}

/** "unknown model ...": where the facts were looked for */
function unknownModel(ctx: RuleContext, options: EstimateConfigOptions): string {
  const named = modelRef(ctx);
  if (!named) return 'the config names no model (`model`, `mcore_model` or `load`), so its architecture is unknown';
  const { key, ref } = named;
  const places: string[] = [];
  if (options.files && options.baseDir) {
    const env = options.hostEnv ?? {};
    const local = resolvePath(ref, options.baseDir, env.HOME);
    places.push(path.join(local, 'config.json'));
    if (/^[\w.-]+\/[\w.-]+$/.test(ref.trim())) {
      for (const c of cacheCandidates(ref.trim(), env)) places.push(c.endsWith('snapshots') ? path.join(c, '*', 'config.json') : c);
    }
  }
  const where = places.length
    ? `no config.json at ${places.join(', ')}, and it is not in the bundled table of popular models`
    : 'it is not in the bundled table of popular models, and no folder was given to look for its config.json';
  return `unknown model \`${ref}\` (from \`${key}\`): ${where}`;
}

function stateDtype(v: string | undefined, fallback: StateDtype): StateDtype {
  return v === 'fp32' || v === 'fp16' || v === 'bf16' || v === 'fp8' ? v : fallback;
}

function loraTargets(list: unknown[] | undefined, notes: string[]): LoraConfig['targets'] {
  const names = (list ?? ['all-linear']).map((x) => String(x));
  if (names.some((n) => n === 'all-linear')) return 'all-linear';
  const map: Record<string, 'qkv' | 'proj' | 'fc1' | 'fc2'> = {
    linear_qkv: 'qkv', q_proj: 'qkv', k_proj: 'qkv', v_proj: 'qkv', qkv_proj: 'qkv', query_key_value: 'qkv',
    linear_proj: 'proj', o_proj: 'proj', dense: 'proj',
    linear_fc1: 'fc1', gate_proj: 'fc1', up_proj: 'fc1', gate_up_proj: 'fc1', w1: 'fc1', w3: 'fc1',
    linear_fc2: 'fc2', down_proj: 'fc2', w2: 'fc2',
  };
  const out = new Set<'qkv' | 'proj' | 'fc1' | 'fc2'>();
  const skipped: string[] = [];
  for (const n of names) {
    const m = map[n.split('.').pop()!];
    if (m) out.add(m);
    else skipped.push(n);
  }
  if (skipped.length) notes.push(`LoRA target_modules ${skipped.map((s) => `\`${s}\``).join(', ')} not modelled (counted as no adapter).`);
  return [...out];
}

function modelShape(ctx: RuleContext, facts: ModelFacts, notes: string[]): ModelShape | EstimateUnknown {
  const extra = extraKwargs(ctx);
  const raw = facts.raw ?? {};
  const layers = arch(ctx, extra, 'num_layers', facts.numLayers);
  const hidden = arch(ctx, extra, 'hidden_size', facts.hiddenSize);
  const heads = arch(ctx, extra, 'num_attention_heads', facts.numAttentionHeads);
  const ffn = arch(ctx, extra, 'ffn_hidden_size', facts.ffnHiddenSize ?? facts.moeFfnHiddenSize);
  const vocab = (ctx.version === '3.4.1' && ctx.spec('padded_vocab_size') ? ctx.int('padded_vocab_size') : undefined) ?? facts.vocabSize;
  const missing = [
    ['number of layers', layers],
    ['hidden size', hidden],
    ['attention heads', heads],
    ['FFN size', ffn],
    ['vocabulary size', vocab],
  ].filter(([, v]) => v === undefined).map(([n]) => n);
  if (missing.length) return { unknown: `the model's config (${facts.origin}) does not give its ${missing.join(', ')}` };
  const groups = arch(ctx, extra, 'num_query_groups', facts.numQueryGroups) ?? heads!;
  const headDim = arch(ctx, extra, 'kv_channels', facts.headDim);
  const type = (facts.modelType ?? '').toLowerCase();
  let tied = facts.tieWordEmbeddings ?? false;
  if (ctx.version === '3.4.1' && ctx.spec('untie_embeddings_and_output_weights')) {
    const u = ctx.bool('untie_embeddings_and_output_weights');
    if (u !== undefined) tied = !u;
  } else if (typeof extra.untie_embeddings_and_output_weights === 'boolean') tied = !extra.untie_embeddings_and_output_weights;
  const shape: ModelShape = {
    layers: layers!,
    hidden: hidden!,
    heads: heads!,
    queryGroups: groups,
    ffn: ffn!,
    vocab: vocab!,
    tiedEmbeddings: tied,
    gated: !GATED_EXCEPTIONS.has(type),
    qkvBias: typeof raw.attention_bias === 'boolean' ? raw.attention_bias : typeof raw.qkv_bias === 'boolean' ? raw.qkv_bias : type.startsWith('qwen2'),
    qkNorm: type.startsWith('qwen3') || raw.use_qk_norm === true || raw.qk_layernorm === true,
    normalization: 'RMSNorm',
  };
  if (headDim !== undefined) shape.headDim = headDim;
  // MoE
  const experts = ctx.version === '3.4.1' ? ctx.int('num_experts') ?? facts.numExperts : num(extra.num_moe_experts) ?? facts.numExperts;
  if (experts && experts > 0) {
    const topk = (ctx.version === '3.4.1' ? ctx.int('moe_router_topk') : num(extra.moe_router_topk)) ?? facts.moeRouterTopk ?? 2;
    const efn = arch(ctx, extra, 'moe_ffn_hidden_size', facts.moeFfnHiddenSize ?? facts.ffnHiddenSize)!;
    const shared = arch(ctx, extra, 'moe_shared_expert_intermediate_size', facts.sharedExpertIntermediateSize) ?? 0;
    const moe: MoeShape = { experts, topk, ffn: efn };
    if (shared > 0) moe.sharedFfn = shared;
    if (type === 'qwen2_moe' || raw.shared_expert_gate === true) moe.sharedGate = shared > 0;
    if (facts.firstKDenseReplace) moe.firstDenseLayers = facts.firstKDenseReplace;
    const cf = ctx.num('moe_expert_capacity_factor');
    if (cf !== undefined && cf > 0) {
      if (ctx.bool('moe_pad_expert_input_to_capacity')) {
        moe.imbalance = cf;
        notes.push(`Experts padded to capacity: every expert rank processes ${cf} × the average tokens.`);
      } else notes.push(`moe_expert_capacity_factor ${cf} caps the tokens per expert at ${cf} × the average (tokens beyond it are dropped).`);
    }
    shape.moe = moe;
  }
  if (facts.kvLoraRank !== undefined) {
    const r = (k: string) => num(raw[k]);
    const mla: MlaShape = {
      kvLoraRank: facts.kvLoraRank,
      qkNopeHeadDim: r('qk_nope_head_dim') ?? 128,
      qkRopeHeadDim: r('qk_rope_head_dim') ?? 64,
      vHeadDim: r('v_head_dim') ?? 128,
    };
    const q = r('q_lora_rank');
    if (q) mla.qLoraRank = q;
    shape.mla = mla;
    notes.push('Multi-latent attention: activations of the latent projections approximated.');
  }
  if (facts.linearNumKeyHeads !== undefined || type === 'qwen3_next') {
    notes.push('Hybrid linear-attention layers are estimated as full attention layers (an approximation).');
  }
  if (raw.vision_config || raw.vision_tower || raw.visual) notes.push('The vision encoder of this multimodal model is not counted (text model only).');
  const mtp = ctx.spec('mtp_num_layers') ? ctx.int('mtp_num_layers') : undefined;
  if (mtp && mtp > 0) shape.mtpLayers = mtp;
  const task = ctx.spec('task_type') ? ctx.str('task_type') : undefined;
  const rlhf = ctx.command === 'megatron rlhf' ? ctx.str('rlhf_type') : undefined;
  if (task === 'seq_cls' || task === 'embedding' || rlhf === 'rm') shape.vocabLogits = false;
  return shape;
}

function expandable(ctx: RuleContext): boolean {
  const conf = ctx.env('PYTORCH_CUDA_ALLOC_CONF') ?? ctx.python?.shellEnv?.PYTORCH_CUDA_ALLOC_CONF ?? '';
  return /expandable_segments\s*:\s*true/i.test(conf);
}

function paramDtype(ctx: RuleContext, facts: ModelFacts): ParamDtype {
  if (ctx.bool('fp16') === true) return 'fp16';
  if (ctx.bool('bf16') === true) return 'bf16';
  const td = (ctx.str('torch_dtype') ?? facts.torchDtype ?? 'bfloat16').toLowerCase();
  if (td.includes('float16') && !td.includes('bfloat')) return 'fp16';
  if (td.includes('float32')) return 'fp32';
  return 'bf16';
}

/** Builds the estimator input from a RuleContext, or says why it cannot. */
export function buildEstimateInput(ctx: RuleContext, options: EstimateConfigOptions = {}): BuiltInput | EstimateUnknown {
  if (!ctx.isMegatron() || ctx.command === 'megatron export') {
    return { unknown: `the memory estimate covers Megatron-SWIFT training (megatron sft/pt/rlhf), not \`${ctx.command}\`` };
  }
  const facts = ctx.model();
  if (!facts) return { unknown: unknownModel(ctx, options) };
  const notes: string[] = [];
  const model = modelShape(ctx, facts, notes);
  if ('unknown' in model) return model;
  const ps = parallelSizes(ctx);
  if (ps.world === undefined) {
    return { unknown: 'the world size is unknown: set NPROC_PER_NODE (and NNODES for several nodes) under ENV as whole numbers' };
  }
  if (ps.dp === undefined) {
    return { unknown: `the world size ${ps.world} is not a multiple of TP ${ps.tp} × PP ${ps.pp} × CP ${ps.cp}` };
  }
  const v3 = ctx.version === '3.4.1';
  const named = modelRef(ctx)?.ref ?? 'the model';
  const nodes = ctx.nnodes() ?? 1;
  notes.unshift(
    `Model ${named} (${facts.origin.startsWith('bundled table') ? 'bundled table' : facts.origin}): ${model.layers} layers, hidden ${model.hidden}, ` +
      `${model.heads} heads / ${model.queryGroups} KV groups, FFN ${model.ffn}, vocabulary ${model.vocab}` +
      `${model.moe ? `, ${model.moe.experts} experts top-${model.moe.topk} (FFN ${model.moe.ffn}${model.moe.sharedFfn ? `, shared ${model.moe.sharedFfn}` : ''})` : ''}; ` +
      `${ps.world} GPU${ps.world === 1 ? '' : 's'}${nodes > 1 ? ` on ${nodes} nodes` : ''}: TP ${ps.tp} × PP ${ps.pp} × CP ${ps.cp} × DP ${ps.dp}` +
      `${model.moe ? `, EP ${ps.ep}, ETP ${ps.etp}` : ''}${ps.vpp ? `, VPP ${ps.vpp}` : ''}; ${ctx.command}, ms-swift ${ctx.version}.`,
  );
  // ---- batch and tokens
  const mbs = Math.max(1, ctx.int('micro_batch_size') ?? 1);
  const gbs = Math.max(1, ctx.int('global_batch_size') ?? mbs * ps.dp);
  const packing = ctx.bool('packing') === true;
  let maxLength = ctx.int('max_length');
  let lengthFrom = '`max_length`';
  if (maxLength === undefined && v3 && ctx.spec('seq_length')) {
    maxLength = ctx.int('seq_length');
    lengthFrom = '`seq_length`';
  }
  if (maxLength === undefined) {
    maxLength = facts.maxPositionEmbeddings;
    lengthFrom = "the model's maximum length (`max_length` is not set)";
    if (maxLength === undefined) return { unknown: 'the sequence length is unknown: set `max_length`' };
    notes.push(`\`max_length\` is not set: ms-swift uses the model's maximum, ${maxLength} tokens — a very large bound; set max_length.`);
  }
  let seqLength = maxLength;
  if (packing && !v3 && ctx.spec('packing_length')) {
    const pl = ctx.int('packing_length');
    if (pl !== undefined) {
      seqLength = pl;
      lengthFrom = '`packing_length`';
    }
  }
  const rlhf = ctx.command === 'megatron rlhf' ? ctx.str('rlhf_type') : undefined;
  const pairs = rlhf === 'dpo' || rlhf === 'kto' ? 2 : 1;
  if (options.tokensPerMicroBatch !== undefined && options.tokensPerMicroBatch > 0) {
    seqLength = options.tokensPerMicroBatch / (mbs * pairs);
    notes.push(`Tokens per micro-batch given as ${options.tokensPerMicroBatch} (instead of the worst case ${mbs * maxLength * pairs}).`);
  } else if (packing) {
    notes.push(`Packing: every micro-batch holds micro_batch_size ${mbs} × ${seqLength} tokens (${lengthFrom}).`);
  } else {
    const how = v3 ? 'padded to the longest sample' : ctx.bool('padding_free') === false ? 'padded to the longest sample' : 'padding-free (the real lengths summed)';
    notes.push(
      `No packing, ${how}: worst case assumed, micro_batch_size ${mbs} × ${seqLength} tokens (${lengthFrom}); typical data is shorter, so memory is usually lower.`,
    );
  }
  if (pairs > 1) notes.push(`${rlhf!.toUpperCase()}: chosen and rejected sequences go through together (2 × the tokens).`);
  // ---- recompute
  const granularityRaw = ctx.str('recompute_granularity') ?? 'selective';
  const granularity = granularityRaw === 'full' ? 'full' : granularityRaw === 'none' ? 'none' : 'selective';
  const recompute: RecomputeConfig = { granularity };
  if (granularity === 'selective') {
    const mods = ctx.list('recompute_modules');
    recompute.modules = mods ? mods.map((m) => String(m)) : ['core_attn'];
  } else if (granularity === 'full') {
    const method = ctx.str('recompute_method');
    const n = ctx.int('recompute_num_layers');
    recompute.method = method === 'block' ? 'block' : 'uniform';
    recompute.numLayers = n !== undefined && n > 0 ? n : 1;
    if (method !== 'uniform' && method !== 'block') notes.push('`recompute_granularity: full` without `recompute_method`: uniform assumed.');
    if (n === undefined) notes.push('`recompute_num_layers` not set: 1 assumed.');
  }
  // ---- training
  const params = paramDtype(ctx, facts);
  let tuning: 'full' | 'lora' = 'full';
  let lora: LoraConfig | undefined;
  if (v3) {
    if (ctx.isSet('train_type') && ctx.str('train_type') !== 'full') {
      notes.push(`ms-swift 3.4.1's Megatron trainer has no LoRA: \`train_type: ${ctx.str('train_type')}\` is ignored and all parameters train.`);
    }
  } else {
    const tuner = ctx.str('tuner_type') ?? 'full';
    if (tuner === 'lora' || tuner === 'lora_llm') {
      tuning = 'lora';
      lora = {
        rank: ctx.int('lora_rank') ?? 8,
        dropout: ctx.num('lora_dropout') ?? 0.05,
        targets: loraTargets(ctx.list('target_modules'), notes),
      };
    }
  }
  const distributedOptimizer = ctx.bool('use_distributed_optimizer') ?? true;
  const optimizerName = ctx.str('optimizer') ?? 'adam';
  const gradDtype = v3 ? (params === 'fp16' ? 'fp16' : 'fp32') : ctx.str('main_grads_dtype') === 'bf16' ? 'bf16' : params === 'fp16' ? 'fp16' : 'fp32';
  let precisionAware: PrecisionAwareConfig | undefined;
  if (!v3 && ctx.bool('use_precision_aware_optimizer')) {
    precisionAware = {
      mainParams: ctx.str('main_params_dtype') === 'fp16' ? 'fp16' : 'fp32',
      expAvg: stateDtype(ctx.str('exp_avg_dtype'), 'fp32'),
      expAvgSq: stateDtype(ctx.str('exp_avg_sq_dtype'), 'fp32'),
    };
  }
  const offload = !v3 && ctx.bool('optimizer_cpu_offload') ? ctx.num('optimizer_offload_fraction') ?? 1 : 0;
  const apexKnown = ctx.python?.packages;
  const apexMissing = !!apexKnown && !Object.keys(apexKnown).some((k) => k.toLowerCase() === 'apex');
  let gradAccumulationFusion = v3 ? true : ctx.bool('gradient_accumulation_fusion') ?? true;
  if (!v3 && gradAccumulationFusion && apexMissing) {
    gradAccumulationFusion = false;
    notes.push('apex is not installed: ms-swift turns gradient_accumulation_fusion off (a bf16 output-layer gradient is added at the loss).');
  }
  const fp8 = !v3 && ctx.spec('fp8_format') && ctx.str('fp8_format') ? { paramGather: ctx.bool('fp8_param_gather') === true } : undefined;
  const crossEntropy = !v3 && ctx.bool('cross_entropy_loss_fusion') && ctx.str('cross_entropy_fusion_impl') === 'te' ? 'te' : 'native';
  const input: EstimateInput = {
    model,
    parallel: {
      world: ps.world,
      tp: ps.tp,
      pp: ps.pp,
      cp: ps.cp,
      ep: ps.ep,
      etp: ps.etp,
      sequenceParallel: ctx.bool('sequence_parallel') === true,
      ...(ps.vpp && ps.pp > 1 ? { vpp: ps.vpp } : {}),
    },
    batch: { microBatchSize: mbs, seqLength, numMicroBatches: Math.max(1, Math.floor(gbs / (mbs * ps.dp))), ...(pairs > 1 ? { sequencesPerSample: pairs } : {}) },
    recompute,
    training: {
      tuning,
      params,
      gradDtype,
      distributedOptimizer,
      optimizer: optimizerName === 'sgd' ? 'sgd' : optimizerName.includes('muon') ? 'muon' : 'adam',
      fusedAdam: true,
      gradAccumulationFusion,
      crossEntropy,
      ...(lora ? { lora } : {}),
      ...(precisionAware ? { precisionAware } : {}),
      ...(offload > 0 ? { optimizerOffloadFraction: offload } : {}),
      ...(fp8 ? { fp8 } : {}),
      ...(!v3 && ctx.bool('use_megatron_fsdp') ? { megatronFsdp: true } : {}),
    },
    runtime: {
      backend: v3 && ctx.str('transformer_impl') === 'local' ? 'local' : 'te',
      attention: /^(unfused|local)$/.test(ctx.str('attention_backend') ?? '') ? 'unfused' : 'flash',
      expandableSegments: expandable(ctx),
    },
    assumptions: notes,
  };
  if (ps.pp > 1) {
    const first = ctx.int('decoder_first_pipeline_num_layers');
    const last = ctx.int('decoder_last_pipeline_num_layers');
    if (first !== undefined) input.parallel.firstStageLayers = first;
    if (last !== undefined) input.parallel.lastStageLayers = last;
  }
  if (v3) {
    const hd = ctx.spec('hidden_dropout') ? ctx.num('hidden_dropout') : undefined;
    if (hd) input.runtime.hiddenDropout = hd;
  } else {
    const hd = num(extraKwargs(ctx).hidden_dropout);
    if (hd) input.runtime.hiddenDropout = hd;
  }
  if (input.training.megatronFsdp) notes.push('use_megatron_fsdp: parameters and gradients sharded over DP too (gathered layers not counted).');
  // reference / teacher models and rollout engines
  if (rlhf === 'dpo' || rlhf === 'kto') {
    if (tuning === 'full' && ctx.bool('reference_free') !== true) {
      input.training.referenceModel = true;
      notes.push('Full-parameter preference training keeps a frozen reference model: + 2 B per parameter, sharded like the policy.');
    }
  }
  if (rlhf === 'gkd' && ctx.str('teacher_model') && ctx.bool('offload_teacher_model') !== true) {
    notes.push('GKD: the teacher model on the GPU is not counted.');
  }
  if (rlhf === 'grpo' && ctx.bool('use_vllm') !== false && ctx.str('vllm_mode') === 'colocate') {
    const util = ctx.num('vllm_gpu_memory_utilization') ?? 0.9;
    const sleep = ctx.int('sleep_level') ?? 0;
    if (sleep > 0) notes.push(`GRPO colocate with sleep_level ${sleep}: vLLM releases its memory during training (not counted).`);
    else if (options.gpuMemoryGiB) {
      input.runtime.extraDeviceGiB = util * options.gpuMemoryGiB;
      notes.push(`GRPO colocate: vLLM takes vllm_gpu_memory_utilization ${util} × ${options.gpuMemoryGiB} GiB of every GPU.`);
    } else notes.push(`GRPO colocate: vLLM takes vllm_gpu_memory_utilization ${util} of every GPU (not counted: the card size is unknown).`);
  }
  if (nodes > 1) notes.push("Several nodes: NCCL's network buffers may add more than the single-node figure used here.");
  const tpDivides = [model.heads, model.queryGroups, model.ffn];
  if (model.moe && v3) tpDivides.push(model.moe.ffn);
  const facts2: ConfigFacts = {
    command: ctx.command,
    version: ctx.version,
    globalBatchSize: gbs,
    dp: ps.dp,
    gpusPerNode: ctx.nprocPerNode() ?? ps.world,
    tpDivides,
    moeNeedsSp: !!model.moe && ps.ep > 1,
    etpFollowsTp: v3,
  };
  return { input, facts: facts2 };
}

/** A RuleContext for a config text, as the checker builds it. */
export function configContext(text: string, options: EstimateConfigOptions = {}): RuleContext | EstimateUnknown {
  const doc = parseConfig(text);
  const context = resolveContext(doc, { ...(options.command ? { command: options.command } : {}), ...(options.version ? { version: options.version } : {}) });
  const ctx = ruleContextFor(doc, context, options);
  return ctx ?? { unknown: `ms-swift ${context.version} has no \`${context.command}\`` };
}

/** The estimator input for a config text, or why it cannot be built. */
export function estimateInputForConfig(text: string, options: EstimateConfigOptions = {}): BuiltInput | EstimateUnknown {
  const ctx = configContext(text, options);
  if (!(ctx instanceof RuleContext)) return ctx;
  return buildEstimateInput(ctx, options);
}

/** Estimate for an input, turning invalid shapes into a reason. */
export function safeEstimate(input: EstimateInput): EstimateResult | EstimateUnknown {
  try {
    return estimateMemory(input);
  } catch (e) {
    if (e instanceof EstimateInputError) return { unknown: e.message };
    throw e;
  }
}

/** Parses a config and estimates its GPU memory per rank; or says why it cannot. */
export function estimateForConfig(text: string, options: EstimateConfigOptions = {}): EstimateResult | EstimateUnknown {
  const built = estimateInputForConfig(text, options);
  if ('unknown' in built) return built;
  return safeEstimate(built.input);
}
