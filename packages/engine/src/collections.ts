/**
 * Appends `value` to the list under `key`, creating it on first use. Pushed in place: rebuilding the list with
 * a spread on every call (`[...(map.get(key) ?? []), value]`) is quadratic in a group's size, and a group can be
 * every resource of a 20,000-resource template.
 */
export function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
