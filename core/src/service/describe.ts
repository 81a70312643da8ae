// Short human descriptions of an argument's type and default.
import { ArgSpec } from '../catalog/schema';
import { choiceText } from '../args/argparse';
import { Locale } from '../docs/arg-docs';
import { t } from './i18n';

export function typeLabel(spec: ArgSpec): string {
  switch (spec.kind) {
    case 'list':
      return `list[${spec.items ?? 'str'}]`;
    case 'enum':
      return (spec.choices ?? []).map(choiceText).join(' | ');
    case 'dict':
      return 'dict (JSON)';
    case 'other':
      return spec.annotation;
    default:
      return spec.optional && spec.default === null ? `${spec.kind} | None` : spec.kind;
  }
}

export function formatDefault(spec: ArgSpec, locale: Locale): string {
  if (spec.computedDefault !== undefined) return `(${t('computed', locale)})`;
  if (spec.listDefaultIgnored) return 'None';
  const d = spec.default;
  if (d === null || d === undefined) return 'None';
  if (typeof d === 'boolean') return d ? 'true' : 'false';
  if (typeof d === 'string') return d === '' ? "''" : d;
  return JSON.stringify(d);
}
