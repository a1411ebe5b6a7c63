/**
 * `Night desk` → `night-desk`, `Crème brûlée` → `creme-brulee`: the key the create form suggests until
 * someone edits it (the API's pattern: a letter, then letters, digits, - and _, 2–63 characters).
 */
export const keyFromName = (name: string): string =>
  name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^[^a-z]+/, '')
    .slice(0, 63)
    .replace(/-+$/, '');
