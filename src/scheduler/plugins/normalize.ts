// helper.DefaultNormalizeScore: scales raw scores so the highest becomes 100, optionally
// reversed (fewer is better).

import { MaxNodeScore } from '../types.js';

export function defaultNormalizeScore(scores: number[], reverse: boolean): void {
  let max = 0;
  for (const s of scores) if (s > max) max = s;
  if (max === 0) {
    if (reverse) scores.fill(MaxNodeScore);
    return;
  }
  for (let i = 0; i < scores.length; i++) {
    let s = Math.trunc((MaxNodeScore * scores[i]) / max);
    if (reverse) s = MaxNodeScore - s;
    scores[i] = s;
  }
}
