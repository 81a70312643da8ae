// Entry of dist/launcher.js: the launch machinery, the runs view and the metrics/TensorBoard views, loaded on
// first use so that activation stays light.
export { Launcher } from './launcher';
export { RunsTreeProvider } from '../views/runs-tree';
export { MetricsPanel } from '../views/metrics-panel';
export { openTensorBoard, tensorBoardCommand } from '../views/tensorboard-panel';
export { TensorBoardManager } from '../host/tensorboard';
export { RunStatus } from '../views/run-status';
export { estimateForConfig } from '../../../core/src/estimate';
export { nodeFileView } from '../../../core/src/files';
