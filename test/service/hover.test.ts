// Hover with cursor markers, in English and Chinese; and the bilingual docs cover every argument.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hover } from '../../core/src/service/hover';
import { argDoc, localeFrom } from '../../core/src/docs/arg-docs';
import { commandCatalog } from '../../core/src/catalog/catalog';
import { COMMANDS, KNOWN_VERSIONS } from '../../core/src/catalog/schema';
import { bundledModelFacts } from '../../core/src/model/lookup';
import { at } from './cursor';

function md(textWithCursor: string, locale: 'en' | 'zh' = 'en'): string | undefined {
  const { doc, context, pos } = at(textWithCursor);
  const model = /model: (\S+)/.exec(doc.text)?.[1];
  return hover(doc, context, pos, { locale, modelFacts: () => (model ? bundledModelFacts(model) : undefined) })?.markdown;
}

test('every argument of every command and version has an English and a Chinese description', () => {
  const missing: string[] = [];
  for (const v of KNOWN_VERSIONS) for (const c of COMMANDS) for (const n of commandCatalog(v, c)?.names() ?? []) {
    const d = argDoc(n);
    if (!d || !d.en.trim() || !d.zh.trim() || !/[\u4e00-\u9fff]/.test(d.zh)) missing.push(`${c}@${v}: ${n}`);
  }
  assert.deepEqual(missing, []);
});

test('related arguments in the docs are real arguments', () => {
  const all = new Set<string>();
  for (const v of KNOWN_VERSIONS) for (const c of COMMANDS) for (const n of commandCatalog(v, c)?.names() ?? []) all.add(n);
  const bad: string[] = [];
  for (const n of all) for (const r of argDoc(n)!.related) if (!all.has(r)) bad.push(`${n} -> ${r}`);
  assert.deepEqual(bad, []);
});

test('argument hover: description, type, default, choices, versions, related, source', () => {
  const h = md('# megatron sft ms-swift=4.5.2\nrecompute_me|thod: uniform\n')!;
  assert.match(h, /\*\*recompute_method\*\* · `megatron sft` · ms-swift 4\.5\.2/);
  assert.match(h, /Default: `None`/);
  assert.match(h, /Choices: `uniform`, `block`/);
  assert.match(h, /In ms-swift 3\.4\.1 and 4\.5\.2/);
  assert.match(h, /Related: .*`recompute_granularity`/);
  assert.match(h, /megatron_args\.py:\d+/);
  assert.match(md('# megatron sft ms-swift=4.5.2\noutput_d|ir: x\n')!, /New in ms-swift 4.*`save`/);
  assert.match(md('# megatron sft ms-swift=3.4.1\nsa|ve: x\n')!, /removed in 4\.x \(renamed to `output_dir`\)/);
});

test('Chinese hover', () => {
  const h = md('# megatron sft ms-swift=4.5.2\nrecompute_granularity|: full\n', 'zh')!;
  assert.match(h, /类型/);
  assert.match(h, /默认值: `selective`/);
  assert.match(h, /[\u4e00-\u9fff]{4}/);
  assert.equal(localeFrom('zh-cn'), 'zh');
  assert.equal(localeFrom('en-us'), 'en');
  assert.equal(localeFrom('zh-cn', 'en'), 'en');
});

test('model hover shows the architecture and where it came from', () => {
  const h = md('# megatron sft\nmodel: Qwen/Qwen2.5-7B-In|struct\n')!;
  assert.match(h, /attention heads: \*\*28\*\*/);
  assert.match(h, /KV heads \(query groups\): \*\*4\*\*/);
  assert.match(h, /bundled table/);
});

test('ENV variable, ENV key and modeline hovers', () => {
  assert.match(md('# megatron sft\nENV:\n  NPROC_PER_N|ODE: "2"\n')!, /\*\*NPROC_PER_NODE\*\* · Environment variable/);
  assert.match(md('# megatron sft\nENV:\n  LD_PRE|LOAD: x\n')!, /Risk/);
  assert.match(md('# megatron sft\nE|NV:\n  A: 1\n')!, /environment variables/);
  assert.match(md('# megatron s|ft ms-swift=4.5.2\n')!, /checked as `megatron sft` \(chosen by modeline\) on ms-swift 4\.5\.2/);
  assert.equal(md('# megatron sft\nlr: 1|\n'), undefined, 'no hover on ordinary values');
});
