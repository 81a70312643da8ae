// The checked-in catalog: current with the reference, complete, and answering name questions like argparse.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { buildCatalogFiles, CATALOG_DIR } from '../../scripts/generate-catalog';
import { commandCatalog, renameInV4, versionCatalog, v3NameFor } from '../../core/src/catalog/catalog';
import { SHARED } from '../helpers';

const ARGS = path.join(SHARED, 'reference', 'args');

test('the checked-in catalog is what scripts/generate-catalog.ts makes from ../shared/reference/args', () => {
  assert.ok(fs.existsSync(ARGS), `reference not found at ${ARGS}`);
  const files = buildCatalogFiles(ARGS);
  assert.ok(files.size >= 4);
  for (const [name, content] of files) {
    const checkedIn = fs.readFileSync(path.join(CATALOG_DIR, name), 'utf8');
    assert.ok(checkedIn === content, `core/data/catalog/${name} is stale: run npm run generate`);
  }
});

test('every command of both versions has every argument of the reference, in order', () => {
  for (const tag of ['v3.4.1', 'v4.5.2']) {
    const ref = JSON.parse(fs.readFileSync(path.join(ARGS, `ms-swift-${tag}.json`), 'utf8'));
    const version = tag.slice(1) as '3.4.1' | '4.5.2';
    for (const [command, c] of Object.entries<{ argument_count: number; arguments: Array<{ name: string; default: unknown }> }>(ref.commands)) {
      const cat = versionCatalog(version).command(command as never);
      assert.ok(cat, `${command} ${version}`);
      assert.equal(cat.names().length, c.argument_count, `${command} ${version}`);
      assert.deepEqual(cat.names(), c.arguments.map((a) => a.name));
    }
  }
  assert.equal(versionCatalog('3.4.1').command('megatron rlhf'), undefined);
  assert.ok(versionCatalog('4.5.2').command('megatron export'));
});

test('argparse facts are kept: switches, Optional[bool], lists, defaults', () => {
  const v4 = commandCatalog('4.5.2', 'megatron sft')!;
  assert.equal(v4.get('padding_free')!.boolMode, 'flag');
  assert.equal(v4.get('padding_free')!.noFlag, true);
  assert.equal(v4.get('use_chat_template')!.boolMode, 'value-required');
  assert.equal(v4.get('dataset')!.kind, 'list');
  assert.equal(v4.get('recompute_granularity')!.default, 'selective');
  assert.deepEqual(v4.get('recompute_granularity')!.choices, ['selective', 'full', 'none']);
  assert.equal(v4.get('moe_aux_loss_coeff')!.listDefaultIgnored, true);
  assert.ok(commandCatalog('3.4.1', 'megatron sft')!.get('torch_dtype')!.problem);
  assert.equal(commandCatalog('4.5.2', 'megatron sft')!.get('micro_batch_size')!.common, true);
});

test('keys resolve like argparse: exact, dashed, switch, unique prefix, ambiguous prefix', () => {
  const cat = commandCatalog('4.5.2', 'megatron sft')!;
  assert.equal(cat.resolve('micro_batch_size').kind, 'exact');
  assert.equal(cat.resolve('micro-batch-size').kind, 'dashed');
  assert.equal(cat.resolve('no_padding_free').kind, 'no-switch');
  assert.equal(cat.resolve('no-padding-free').kind, 'no-switch');
  const p = cat.resolve('micro_batch');
  assert.equal(p.kind, 'prefix');
  assert.equal(p.kind === 'prefix' && p.spec.name, 'micro_batch_size');
  const both = cat.resolve('microbatch');
  assert.equal(both.kind, 'prefix');
  assert.equal(both.kind === 'prefix' && both.bothSpellings, true);
  const a = cat.resolve('save');
  assert.equal(a.kind, 'ambiguous');
  assert.ok(a.kind === 'ambiguous' && a.candidates.some((c) => c.name === 'save_steps'));
  assert.equal(cat.resolve('definitely_not_an_argument').kind, 'unknown');
});

test('renames between 3.4.1 and 4.5.2', () => {
  assert.equal(renameInV4('save', 'megatron sft')!.new, 'output_dir');
  assert.equal(renameInV4('load', 'megatron pt')!.new, 'mcore_model');
  assert.equal(renameInV4('no_rope_fusion', 'megatron sft')!.relation, 'inverted');
  assert.equal(renameInV4('train_type', 'swift sft')!.new, 'tuner_type');
  assert.equal(renameInV4('save', 'swift sft'), undefined);
  assert.equal(renameInV4('num_layers', 'megatron sft')!.new, 'megatron_extra_kwargs');
  assert.equal(v3NameFor('output_dir')!.old, 'save');
});
