// Rules of the 'launcher' area (see reference/constraints.md). Rules that cannot be checked statically are listed in
// notCheckable with the reason.
// yaml-list-items-must-be-strings and yaml-null-or-empty-values are implemented with the argument rules.
import { Rule } from '../types';
import { launchRequiresNprocPerNode, nnodesWithoutNprocPerNode, nprocBelowVisibleDevices, nprocExceedsVisibleDevices } from './processes';
import { multinodeRequiresMasterAddr, multinodeRequiresNodeRank } from './multinode';
import { yamlConfigUnsupportedBeforeV41, yamlEnvShellPrecedence } from './yaml-launch';
import { cudaDeviceMaxConnectionsDefault } from './cuda-connections';

export const rules: readonly Rule[] = [
  launchRequiresNprocPerNode,
  nprocExceedsVisibleDevices,
  nprocBelowVisibleDevices,
  multinodeRequiresMasterAddr,
  multinodeRequiresNodeRank,
  nnodesWithoutNprocPerNode,
  yamlEnvShellPrecedence,
  yamlConfigUnsupportedBeforeV41,
  cudaDeviceMaxConnectionsDefault,
];

export const notCheckable: Readonly<Record<string, string>> = {};
