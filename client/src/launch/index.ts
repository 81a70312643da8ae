// Entry of dist/launcher.js: the launch machinery is loaded on first use, so that activation stays light.
export { Launcher } from './launcher';
