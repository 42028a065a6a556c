/** Where everything is: served by whoever serves the app (the local stack's launcher, or the demo image). */
export interface DemoConfig {
  issuer: string;
  clientId: string;
  edgeWsUrl: string;
  chatUrl: string;
  activityUrl: string;
  notificationUrl: string;
}

const FIELDS: (keyof DemoConfig)[] = ['issuer', 'clientId', 'edgeWsUrl', 'chatUrl', 'activityUrl', 'notificationUrl'];

export async function loadConfig(): Promise<DemoConfig> {
  const response = await fetch('/config.json', { cache: 'no-store' });
  if (!response.ok) {
    throw new Error(`/config.json answered ${response.status}`);
  }
  const config = (await response.json()) as Partial<DemoConfig>;
  const missing = FIELDS.filter((field) => typeof config[field] !== 'string' || config[field] === '');
  if (missing.length) {
    throw new Error(`/config.json lacks ${missing.join(', ')}`);
  }
  return config as DemoConfig;
}
