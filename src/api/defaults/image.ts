// The tag of a container image reference, as parsers.ParseImageName reports it for
// imagePullPolicy defaulting: "latest" when the name has neither tag nor digest, "" for a
// digest-only or unparsable reference.

const component = '[a-z0-9]+(?:(?:[._]|__|[-]*)[a-z0-9]+)*';
const pathRegex = new RegExp(`^${component}(?:/${component})*$`);
const domainComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const domainRegex = new RegExp(`^(?:${domainComponent}(?:\\.${domainComponent})*|\\[[0-9a-fA-F:.]+\\])(?::[0-9]+)?$`);
const tagRegex = /^[\w][\w.-]{0,127}$/;
const digestRegex = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/;

export function imageTag(image: string): string {
  let name = image;
  let digest = '';
  const at = name.indexOf('@');
  if (at >= 0) {
    digest = name.slice(at + 1);
    name = name.slice(0, at);
    if (!digestRegex.test(digest)) return '';
  }
  let tag = '';
  const colon = name.lastIndexOf(':');
  if (colon > name.lastIndexOf('/')) {
    tag = name.slice(colon + 1);
    name = name.slice(0, colon);
    if (!tagRegex.test(tag)) return '';
  }
  // A first component with a dot, a port or "localhost" (or upper case) is a registry host.
  const slash = name.indexOf('/');
  let remainder = name;
  if (slash >= 0) {
    const first = name.slice(0, slash);
    if (first.includes('.') || first.includes(':') || first === 'localhost' || first.toLowerCase() !== first) {
      if (!domainRegex.test(first)) return '';
      remainder = name.slice(slash + 1);
    }
  }
  if (!pathRegex.test(remainder) || name.length > 255) return '';
  if (tag === '' && digest === '') return 'latest';
  return tag;
}

/** imagePullPolicy's default: Always for :latest (or no tag), IfNotPresent otherwise. */
export function defaultPullPolicy(image: string): 'Always' | 'IfNotPresent' {
  return imageTag(image) === 'latest' ? 'Always' : 'IfNotPresent';
}
