// How an item of an associative list is named in a field path: by its key fields (a list
// map, `k:{"name":"nginx"}`) or by its value (a set, `v:"finalizer"`). Missing keys take the
// schema default, as `protocol: TCP` does for container ports. Errors carry upstream's words.

import { keyElement, valueElement, type PathElement } from './path-element.js';
import { isMap } from './values.js';
import type { ListType } from './type-model.js';

/** The path element of an item, or the reason it has none. */
export function listItemElement(list: ListType, item: unknown): PathElement | string {
  if (list.keys.length > 0) {
    if (item === null || item === undefined) return 'associative list with keys may not have a null element';
    if (!isMap(item)) return 'associative list with keys may not have non-map elements';
    const fields: [string, unknown][] = [];
    for (const key of list.keys) {
      const v = item[key];
      if (v !== undefined) {
        fields.push([key, v]);
        continue;
      }
      const elementMap = list.element.map;
      if (!elementMap) return `couldn't find default value for ${key}: associative list may not have non-map types`;
      const def = elementMap.fieldDefault(key);
      if (def === undefined || def === null) {
        return `associative list with keys has an element that omits key field ${JSON.stringify(key)} (and doesn't have default value)`;
      }
      fields.push([key, def]);
    }
    return keyElement(fields);
  }
  if (Array.isArray(item)) return 'not supported: associative list with lists as elements';
  if (item === null || item === undefined) return "associative list without keys has an element that's an explicit null";
  if (isMap(item)) return "associative list without keys has an element that's a map type";
  return valueElement(item);
}
