// ENV entries that change which libraries, Python modules or programs get loaded. They are passed through as
// written, but a stale or wrong value breaks a run in confusing ways (or runs someone else's code).
import { envVar } from '../../env/catalog';
import { Rule } from '../types';

const LOADER_VARS = ['LD_PRELOAD', 'LD_LIBRARY_PATH', 'PYTHONPATH', 'PATH'];

export const envChangesProgramLoading: Rule = {
  id: 'env-changes-program-loading',
  title: 'An ENV entry changes how programs and libraries are loaded',
  area: 'environment',
  severity: { '3.4.1': 'warning', '4.5.2': 'warning' },
  sources: ['ms-swift-studio: LD_PRELOAD/LD_LIBRARY_PATH are read by the dynamic loader, PYTHONPATH by Python, PATH by every launcher'],
  *check(ctx) {
    for (const v of ctx.doc.envVars) {
      if (!LOADER_VARS.includes(v.key)) continue;
      const risk = envVar(v.key)?.risk ?? 'it changes what gets loaded';
      yield {
        message: `\`${v.key}\` in ENV: ${risk} It is passed exactly as written; make sure it points where you expect on the machine that runs the job.`,
        key: v.key,
        range: v.keyRange,
      };
    }
  },
};
