// isPhone: true below 768px wide, kept in step with the window.
import { ref } from 'vue';

const query = typeof window !== 'undefined' ? window.matchMedia('(max-width: 767px)') : null;
export const isPhone = ref(query ? query.matches : false);
if (query) {
  const update = () => {
    isPhone.value = query.matches;
  };
  if (query.addEventListener) query.addEventListener('change', update);
  else query.addListener(update);
}
