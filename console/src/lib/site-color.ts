/** A stable hue per site id, so each site's badge and stripe have their own colour. */
export function siteHue(siteId: string): number {
  let hash = 0;
  for (let i = 0; i < siteId.length; i++) hash = (hash * 31 + siteId.charCodeAt(i)) >>> 0;
  return hash % 360;
}
