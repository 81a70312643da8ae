// Parallelism rules (tp-sp-cp) — see reference/constraints.md. The rule modules live in ./tp-sp-cp/.
export { rules, notCheckable } from './tp-sp-cp/index';
