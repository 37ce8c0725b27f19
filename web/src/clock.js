// A shared "now" that ticks once a minute, so countdown tags move without each one
// keeping its own timer.
import { ref } from 'vue';

export const now = ref(Date.now());
if (typeof window !== 'undefined') {
  setInterval(() => {
    now.value = Date.now();
  }, 30000);
}
