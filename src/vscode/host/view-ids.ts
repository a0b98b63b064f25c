/** Ids the light entry must know before the engine loads; a unit test pins them to the protocol and manifest. */
export const PANEL_VIEW_TYPE = 'tinyBackspace.panel';
export const HEALTH_VIEW_ID = 'tinyBackspace.health';
