/** Auto-refresh period of the monitoring widgets (Overview and Monitoring pages). */
export const REFRESH_MS = 15_000;
/** Poll period while a training run is in progress. */
export const TRAIN_POLL_MS = 1_000;
