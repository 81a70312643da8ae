// Builds core/data/hub-ids.json — the model and dataset ids ms-swift knows, for value completion — from the
// "Supported models and datasets" tables of ms-swift's docs (../shared/reference/docs). Facts only: ids, model
// type, Megatron support, subsets. test/core/data-current.test.ts keeps the checked-in file current.
import * as fs from 'fs';
import * as path from 'path';
import { REPO_ROOT } from './generate-catalog';

export const HUB_IDS_FILE = path.join(REPO_ROOT, 'core', 'data', 'hub-ids.json');

export function defaultDocsDir(): string {
  return process.env.MS_SWIFT_REFERENCE_DOCS ?? path.resolve(REPO_ROOT, '..', 'shared', 'reference', 'docs');
}

export interface HubModel {
  id: string;
  hf?: string;
  type: string;
  megatron: boolean;
  multimodal: boolean;
  versions: string[];
}
export interface HubDataset {
  id: string;
  hf?: string;
  subsets: string[];
  versions: string[];
}

const LINK = /^\[([^\]]+)\]\([^)]*\)$/;

function cell(s: string | undefined): string {
  const t = (s ?? '').trim();
  const m = LINK.exec(t);
  return m ? m[1]! : t;
}

function rows(lines: string[], start: number): string[][] {
  const out: string[][] = [];
  for (let i = start + 2; i < lines.length && lines[i]!.startsWith('|'); i++) out.push(lines[i]!.split('|').slice(1, -1));
  return out;
}

export function buildHubIds(docsDir = defaultDocsDir()): string {
  const models = new Map<string, HubModel>();
  const datasets = new Map<string, HubDataset>();
  for (const version of ['3.4.1', '4.5.2']) {
    const file = path.join(docsDir, `v${version}`, 'source_en', 'Instruction', 'Supported-models-and-datasets.md');
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    let multimodal = false;
    lines.forEach((line, i) => {
      if (/^###?\s.*multimodal/i.test(line)) multimodal = true;
      if (/^###?\s.*large language models/i.test(line)) multimodal = false;
      if (line.startsWith('| Model ID')) {
        const head = line.split('|').slice(1, -1).map((h) => h.trim());
        const col = (name: string) => head.indexOf(name);
        for (const r of rows(lines, i)) {
          const id = cell(r[col('Model ID')]);
          if (!id || id === '-') continue;
          const hf = cell(r[col('HF Model ID')]);
          const m = models.get(id) ?? { id, type: cell(r[col('Model Type')]), megatron: false, multimodal, versions: [] };
          if (hf && hf !== '-') m.hf = hf;
          m.megatron = m.megatron || cell(r[col('Support Megatron')]).includes('2714');
          m.versions.push(version);
          models.set(id, m);
        }
      }
      if (line.startsWith('| Dataset ID')) {
        const head = line.split('|').slice(1, -1).map((h) => h.trim());
        const col = (name: string) => head.indexOf(name);
        for (const r of rows(lines, i)) {
          const id = cell(r[col('Dataset ID')]);
          if (!id || id === '-') continue;
          const hf = cell(r[col('HF Dataset ID')]);
          const d = datasets.get(id) ?? { id, subsets: [], versions: [] };
          if (hf && hf !== '-') d.hf = hf;
          for (const s of cell(r[col('Subset Name')]).split(/<br>|,\s*/)) {
            const t = s.trim();
            if (t && t !== '-' && !d.subsets.includes(t)) d.subsets.push(t);
          }
          if (!d.versions.includes(version)) d.versions.push(version);
          datasets.set(id, d);
        }
      }
    });
  }
  for (const m of models.values()) m.versions = [...new Set(m.versions)];
  return JSON.stringify({ models: [...models.values()], datasets: [...datasets.values()] }) + '\n';
}

if (require.main === module) {
  const content = buildHubIds();
  fs.writeFileSync(HUB_IDS_FILE, content);
  console.log(`wrote core/data/hub-ids.json (${(content.length / 1024).toFixed(0)} KiB)`);
}
