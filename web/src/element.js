// Element Plus, registered on demand: only the components the screens use end up in the
// bundle. Each comes from its own module (importing from the package root would pull in
// the whole library, because its index touches the full installer).
// Using a new <el-xxx> component? Add its import and list entry here.
import { makeInstaller } from 'element-plus/es/make-installer.mjs';
import zhCn from 'element-plus/es/locale/lang/zh-cn.mjs';
import { ElAlert } from 'element-plus/es/components/alert/index.mjs';
import { ElBreadcrumb, ElBreadcrumbItem } from 'element-plus/es/components/breadcrumb/index.mjs';
import { ElButton } from 'element-plus/es/components/button/index.mjs';
import { ElCard } from 'element-plus/es/components/card/index.mjs';
import { ElCol } from 'element-plus/es/components/col/index.mjs';
import { ElRow } from 'element-plus/es/components/row/index.mjs';
import { ElConfigProvider } from 'element-plus/es/components/config-provider/index.mjs';
import { ElContainer, ElAside, ElHeader, ElMain } from 'element-plus/es/components/container/index.mjs';
import { ElDescriptions, ElDescriptionsItem } from 'element-plus/es/components/descriptions/index.mjs';
import { ElDialog } from 'element-plus/es/components/dialog/index.mjs';
import { ElDrawer } from 'element-plus/es/components/drawer/index.mjs';
import { ElEmpty } from 'element-plus/es/components/empty/index.mjs';
import { ElForm, ElFormItem } from 'element-plus/es/components/form/index.mjs';
import { ElIcon } from 'element-plus/es/components/icon/index.mjs';
import { ElInput } from 'element-plus/es/components/input/index.mjs';
import { ElMenu, ElMenuItem } from 'element-plus/es/components/menu/index.mjs';
import { ElPagination } from 'element-plus/es/components/pagination/index.mjs';
import { ElSelect, ElOption, ElOptionGroup } from 'element-plus/es/components/select/index.mjs';
import { ElSkeleton } from 'element-plus/es/components/skeleton/index.mjs';
import { ElSwitch } from 'element-plus/es/components/switch/index.mjs';
import { ElTable, ElTableColumn } from 'element-plus/es/components/table/index.mjs';
import { ElTag } from 'element-plus/es/components/tag/index.mjs';
import { ElTooltip } from 'element-plus/es/components/tooltip/index.mjs';
import { ElTree } from 'element-plus/es/components/tree/index.mjs';
import { ElTabs, ElTabPane } from 'element-plus/es/components/tabs/index.mjs';
import { ElTimeline, ElTimelineItem } from 'element-plus/es/components/timeline/index.mjs';
import { ElBadge } from 'element-plus/es/components/badge/index.mjs';
import { ElPopover } from 'element-plus/es/components/popover/index.mjs';
import { ElDatePicker } from 'element-plus/es/components/date-picker/index.mjs';
import { ElRadio, ElRadioGroup, ElRadioButton } from 'element-plus/es/components/radio/index.mjs';
import { ElInputNumber } from 'element-plus/es/components/input-number/index.mjs';
import { ElCheckbox, ElCheckboxGroup } from 'element-plus/es/components/checkbox/index.mjs';
import { ElSteps, ElStep } from 'element-plus/es/components/steps/index.mjs';
import { ElRate } from 'element-plus/es/components/rate/index.mjs';
import { ElLink } from 'element-plus/es/components/link/index.mjs';
import { ElLoading } from 'element-plus/es/components/loading/index.mjs';
import { ElMessage } from 'element-plus/es/components/message/index.mjs';
import { ElMessageBox } from 'element-plus/es/components/message-box/index.mjs';
import 'element-plus/dist/index.css';

const installer = makeInstaller([
  ElAlert, ElAside, ElBreadcrumb, ElBreadcrumbItem, ElButton, ElCard, ElCol, ElConfigProvider,
  ElContainer, ElDescriptions, ElDescriptionsItem, ElDialog, ElDrawer, ElEmpty, ElForm,
  ElFormItem, ElHeader, ElIcon, ElInput, ElMain, ElMenu, ElMenuItem, ElOption, ElPagination,
  ElRow, ElSelect, ElSkeleton, ElSwitch, ElTable, ElTableColumn, ElTag, ElTooltip, ElTree,
  ElLoading, ElTabs, ElTabPane, ElTimeline, ElTimelineItem, ElBadge, ElPopover, ElDatePicker,
  ElRadio, ElRadioGroup, ElRadioButton, ElInputNumber, ElCheckbox, ElLink,
  // 便民服务: materials checklists, the proxy's seven steps, the citizen's stars
  ElCheckboxGroup, ElOptionGroup, ElSteps, ElStep, ElRate,
  // services: installing them gives message boxes the app's context and locale (确定 / 取消)
  ElMessage, ElMessageBox,
]);

export { ElMessage, ElMessageBox };

export default {
  install(app) {
    // zh-CN for every component (pagination, empty states, select texts …).
    app.use(installer, { locale: zhCn });
  },
};
