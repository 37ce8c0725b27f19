// The total of an appeal list as the screens show it. The server counts the matching
// appeals up to 10,000 (a search up to 1,000) and then stops (a count of a million
// appeals on every page cost more than the page): past that it answers total = the cap
// with total_capped true, shown here as "10,000+". Pagination works on total.
export function listTotal(r, fallback = 0) {
  const n = typeof r?.total === 'number' ? r.total : fallback;
  return { n, capped: !!r?.total_capped };
}

export function totalText(t) {
  return t.capped ? `${t.n.toLocaleString('en-US')}+` : String(t.n);
}
