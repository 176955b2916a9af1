/**
 * True when the complaint names this staff member (回避, conflict of interest): their display
 * name, or any word of it of three or more letters / two or more CJK characters, appears in the
 * complaint text. Deliberately broad: a false match only means someone else takes the case.
 */
export function complaintNames(description: string, displayName: string): boolean {
  const text = description.toLowerCase();
  const name = displayName.trim().toLowerCase();
  if (!name) return false;
  // Chinese is written without spaces: a name is a substring. Latin names match whole words,
  // so "Al" does not match "Alice".
  const cjk = (s: string) => /[\u3400-\u9fff]/.test(s);
  const word = (s: string) => (cjk(s) ? text.includes(s) : new RegExp(`(^|[^\\p{L}])${s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[^\\p{L}])`, 'u').test(text));
  if (word(name)) return true;
  const parts = name.split(/\s+/).filter((p) => (cjk(p) ? p.length >= 2 : p.length >= 3));
  return parts.length > 1 && parts.some(word);
}
