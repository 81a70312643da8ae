// Generated data other than the catalog stays current with its source.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { buildHubIds, HUB_IDS_FILE } from '../../scripts/generate-hub-ids';
import { SHARED } from '../helpers';

test('core/data/hub-ids.json is what scripts/generate-hub-ids.ts makes from the docs', () => {
  const content = buildHubIds(path.join(SHARED, 'reference', 'docs'));
  assert.ok(fs.readFileSync(HUB_IDS_FILE, 'utf8') === content, 'stale: run npm run generate');
  const data = JSON.parse(content);
  assert.ok(data.models.length > 500 && data.datasets.length > 100);
  assert.ok(data.models.some((m: { id: string; megatron: boolean }) => m.id === 'Qwen/Qwen2.5-7B-Instruct' && m.megatron));
});

test('docs/rules.md lists every check and is current', () => {
  const { buildRulesDoc, RULES_DOC } = require('../../scripts/generate-rules-doc') as typeof import('../../scripts/generate-rules-doc');
  const { allRules } = require('../../core/src/rules/registry') as typeof import('../../core/src/rules/registry');
  const content = buildRulesDoc(path.join(SHARED, 'reference', 'constraints.json'));
  assert.ok(fs.readFileSync(RULES_DOC, 'utf8') === content, 'stale: run npm run generate');
  for (const r of allRules()) assert.ok(content.includes(`| \`${r.id}\` |`), r.id);
});
