import { BehaviorSubject, distinctUntilChanged, map, type Observable } from 'rxjs';

/** Who or what pulled the quotes: an operator command, a signal, or an engine fault. */
export interface KillState {
  /** Reason per source (`redis-key`, `control`, `signal`, `ledger`, ...); empty = trading. */
  readonly global: ReadonlyMap<string, string>;
  /** Per-asset kills (from a control message naming the asset): asset -> reason. */
  readonly assets: ReadonlyMap<string, string>;
}

/**
 * The kill switch: several independent sources can each hold it (a Redis key, a control
 * message, a signal, a ledger outage); quotes return only when no source holds it. Each asset's
 * pipeline reads `forAsset(asset)`, true while any global source or that asset's kill holds.
 */
export class KillSwitch {
  private readonly state$ = new BehaviorSubject<KillState>({
    global: new Map(),
    assets: new Map(),
  });

  /** Hold the switch for every asset (idempotent per source). */
  kill(source: string, reason: string): void {
    const s = this.state$.value;
    if (s.global.get(source) === reason) return;
    this.state$.next({ ...s, global: new Map(s.global).set(source, reason) });
  }

  /** Release one source's global hold. */
  release(source: string): void {
    const s = this.state$.value;
    if (!s.global.has(source)) return;
    const global = new Map(s.global);
    global.delete(source);
    this.state$.next({ ...s, global });
  }

  killAsset(asset: string, reason: string): void {
    const s = this.state$.value;
    if (s.assets.get(asset) === reason) return;
    this.state$.next({ ...s, assets: new Map(s.assets).set(asset, reason) });
  }

  releaseAsset(asset: string): void {
    const s = this.state$.value;
    if (!s.assets.has(asset)) return;
    const assets = new Map(s.assets);
    assets.delete(asset);
    this.state$.next({ ...s, assets });
  }

  /** Release every per-asset kill (a `resume` for all assets). */
  releaseAllAssets(): void {
    const s = this.state$.value;
    if (s.assets.size > 0) this.state$.next({ ...s, assets: new Map() });
  }

  get state(): KillState {
    return this.state$.value;
  }

  /** True while any global source holds the switch. */
  get killed(): boolean {
    return this.state$.value.global.size > 0;
  }

  isAssetKilled(asset: string): boolean {
    const s = this.state$.value;
    return s.global.size > 0 || s.assets.has(asset);
  }

  /** The switch as one asset's pipeline sees it (replays the current value). */
  forAsset(asset: string): Observable<boolean> {
    return this.state$.pipe(
      map((s) => s.global.size > 0 || s.assets.has(asset)),
      distinctUntilChanged(),
    );
  }

  /** Every change, for logs and metrics. */
  changes(): Observable<KillState> {
    return this.state$.asObservable();
  }
}
