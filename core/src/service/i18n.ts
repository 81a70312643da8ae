// The few fixed words of hovers and completion details, in English and Simplified Chinese.
import { Locale } from '../docs/arg-docs';

const WORDS = {
  type: { en: 'Type', zh: '类型' },
  default: { en: 'Default', zh: '默认值' },
  choices: { en: 'Choices', zh: '可选值' },
  related: { en: 'Related', zh: '相关参数' },
  source: { en: 'Defined at', zh: '定义位置' },
  computed: { en: 'computed at run time', zh: '运行时计算' },
  none: { en: 'None (unset)', zh: 'None（未设置）' },
  bothVersions: { en: 'In ms-swift 3.4.1 and 4.5.2', zh: 'ms-swift 3.4.1 与 4.5.2 均支持' },
  onlyV4: { en: 'New in ms-swift 4 (not in 3.4.1)', zh: 'ms-swift 4 新增（3.4.1 中没有）' },
  onlyV3: { en: 'Only in ms-swift 3.4.1: removed in 4.x', zh: '仅 ms-swift 3.4.1 有：4.x 已移除' },
  renamedTo: { en: 'renamed to', zh: '重命名为' },
  renamedFrom: { en: 'called', zh: '名为' },
  inV3: { en: 'in 3.4.1', zh: '（3.4.1 中）' },
  flagOnly: { en: 'A bare `--{name}` on the command line means true.', zh: '命令行中单独写 `--{name}` 即为 true。' },
  valueRequired: { en: 'Needs an explicit true or false.', zh: '必须显式写 true 或 false。' },
  noSwitch: { en: 'On the command line, `--no_{name}` turns it off.', zh: '命令行中可用 `--no_{name}` 关闭。' },
  list: { en: 'Takes several values (a YAML list).', zh: '可接收多个值（YAML 列表）。' },
  notSettable: { en: 'Cannot be set from a config or the command line in this version.', zh: '该版本中无法通过配置或命令行设置。' },
  mostUsed: { en: 'commonly used', zh: '常用' },
  noDescription: { en: 'No description.', zh: '暂无说明。' },
  modelFacts: { en: 'Model architecture', zh: '模型结构' },
  from: { en: 'from', zh: '来源' },
  layers: { en: 'layers', zh: '层数' },
  hidden: { en: 'hidden size', zh: '隐藏维度' },
  heads: { en: 'attention heads', zh: '注意力头' },
  kvHeads: { en: 'KV heads (query groups)', zh: 'KV 头（query groups）' },
  ffn: { en: 'FFN size', zh: 'FFN 维度' },
  vocab: { en: 'vocabulary', zh: '词表大小' },
  experts: { en: 'experts (top-k)', zh: '专家数（top-k）' },
  maxPos: { en: 'max positions', zh: '最大位置' },
  megatronSupported: { en: 'Megatron ✓', zh: '支持 Megatron' },
  envVariable: { en: 'Environment variable', zh: '环境变量' },
  readBy: { en: 'Read by', zh: '读取方' },
  risk: { en: 'Risk', zh: '风险' },
  example: { en: 'Example', zh: '示例' },
  allowed: { en: 'Allowed values', zh: '可用值' },
  modeline: { en: 'Modeline', zh: '模式行' },
  checkedAs: { en: 'This config is checked as', zh: '本配置按以下命令检查' },
  chosenBy: { en: 'chosen by', zh: '依据' },
} as const;

export type Word = keyof typeof WORDS;

export function t(word: Word, locale: Locale, vars: Record<string, string> = {}): string {
  let s: string = WORDS[word][locale];
  for (const [k, v] of Object.entries(vars)) s = s.split(`{${k}}`).join(v);
  return s;
}
