// Multi-node runs: one command per node, differing in NODE_RANK (MASTER_ADDR and MASTER_PORT as in the config).
import { ConfigContext } from '../config/context';
import { ConfigDocument } from '../config/parse';
import { pyStr } from '../config/pyyaml';
import { buildCommand, BuildOptions, LaunchCommand } from './command';

export interface NodeCommand {
  nodeRank: number;
  command: LaunchCommand;
}

/** NNODES from the config's ENV when it is a whole number, else 1. */
export function nodeCount(doc: ConfigDocument): number {
  const e = doc.envVars.find((v) => v.key === 'NNODES');
  if (!e?.py) return 1;
  const s = pyStr(e.py).trim();
  return /^\d+$/.test(s) && Number(s) >= 1 ? Number(s) : 1;
}

export function multiNodeCommands(doc: ConfigDocument, context: ConfigContext, options: Omit<BuildOptions, 'nodeRank'>): NodeCommand[] {
  const n = nodeCount(doc);
  if (n <= 1) return [{ nodeRank: 0, command: buildCommand(doc, context, options) }];
  return Array.from({ length: n }, (_, nodeRank) => ({ nodeRank, command: buildCommand(doc, context, { ...options, nodeRank }) }));
}
