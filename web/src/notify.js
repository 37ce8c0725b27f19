import { ElMessage } from './element.js';

// Shows a server error (error.message) as a message; a 401 is left to the login redirect.
export function showError(e) {
  if (e && e.status === 401) return;
  ElMessage.error({ message: (e && e.message) || '操作失败', grouping: true, showClose: true, duration: 5000 });
}

export function showOk(message) {
  ElMessage.success({ message, grouping: true });
}
