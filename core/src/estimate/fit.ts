// The fit verdict: the worst rank's device memory against the card, with a safety margin (§2.9: max(2 GiB, 5%)).
import { EstimateResult, RankEstimate } from './types';

export interface FitVerdict {
  /** the worst rank's device memory is at most the card's */
  fits: boolean;
  /** fits with the margin to spare / fits within the margin / does not fit */
  level: 'fits' | 'tight' | 'over';
  gpuGiB: number;
  deviceGiB: number;
  /** gpuGiB − deviceGiB (negative when it does not fit) */
  headroomGiB: number;
  marginGiB: number;
  worst: RankEstimate;
}

export interface FitOptions {
  /** margin as a fraction of the card (default 0.05) */
  marginFraction?: number;
  /** smallest margin (default 2 GiB) */
  minMarginGiB?: number;
}

export function fitsOn(result: EstimateResult, gpuGiB: number, options: FitOptions = {}): FitVerdict {
  const marginGiB = Math.max(options.minMarginGiB ?? 2, (options.marginFraction ?? 0.05) * gpuGiB);
  const deviceGiB = result.worst.device;
  const headroomGiB = Math.round((gpuGiB - deviceGiB) * 1000) / 1000;
  const fits = deviceGiB <= gpuGiB;
  const level = !fits ? 'over' : deviceGiB + marginGiB <= gpuGiB ? 'fits' : 'tight';
  return { fits, level, gpuGiB, deviceGiB, headroomGiB, marginGiB, worst: result.worst };
}
