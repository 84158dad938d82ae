/**
 * Every user-facing message of the server, in zh-CN and en, keyed by error code. A message may hold
 * `{name}` placeholders filled from the error's params. One catalogue, so translators find everything
 * in one place and a test can check that both languages have the same keys.
 */
export type Locale = 'zh-CN' | 'en'

export const MESSAGES = {
  'auth.invalid_credentials': { 'zh-CN': '用户名或密码错误', en: 'Wrong user name or password' },
  'auth.rate_limited': {
    'zh-CN': '登录尝试过多，请 {minutes} 分钟后再试',
    en: 'Too many login attempts; try again in {minutes} minutes',
  },
  'auth.login_required': { 'zh-CN': '请先登录', en: 'Please log in first' },
  'auth.forbidden': { 'zh-CN': '您的角色无权执行此操作', en: 'Your role is not allowed to do this' },
  'auth.account_disabled': { 'zh-CN': '该账号已停用', en: 'This account is disabled' },
  'csrf.rejected': {
    'zh-CN': '请求来源校验失败，请刷新页面后重试',
    en: 'The request did not come from this site; reload the page and try again',
  },
  'request.invalid': { 'zh-CN': '请求参数有误：{problems}', en: 'Invalid request: {problems}' },
  'request.too_large': { 'zh-CN': '请求内容过大（上限 {limit}）', en: 'Request too large (limit {limit})' },
  'request.not_found': { 'zh-CN': '没有这个接口：{path}', en: 'No such API route: {path}' },
  'workflow.version_conflict': {
    'zh-CN': '该事项已被他人处理或已更新（版本 {expected}，当前 {current}），请刷新后重试',
    en: 'Someone else acted on this first (version {expected}, now {current}); reload and try again',
  },
  'workflow.not_allowed': {
    'zh-CN': '当前状态（{status}）下不能执行“{action}”',
    en: 'The action "{action}" is not allowed while the filing or step is {status}',
  },
  'workflow.no_parcels': {
    'zh-CN': '报件 {id} 还没有地块：请先上传并确认地块再提交',
    en: 'Filing {id} has no parcels yet: upload and accept its parcels before submitting',
  },
  'workflow.no_check': {
    'zh-CN': '报件 {id} 还没有合规检查结果：请先运行检查再提交',
    en: 'Filing {id} has no compliance check yet: run the check before submitting',
  },
  'workflow.blocking_findings': {
    'zh-CN': '报件 {id} 的合规检查有阻断性问题：请修正地块，或填写不少于 10 个字的提交说明（将记录在案）',
    en: 'The check of filing {id} has blocking findings: fix the parcels, or give a justification of at least 10 characters (it is recorded)',
  },
  'workflow.task_not_found': {
    'zh-CN': '办理事项 {id} 不存在或您无权查看',
    en: 'Task {id} does not exist or is not visible to you',
  },
  'workflow.not_your_task': {
    'zh-CN': '办理事项 {id} 不在您的待办范围内',
    en: 'Task {id} is not in your queue',
  },
  'workflow.bad_action': {
    'zh-CN': '不能对该事项执行“{action}”（可执行：{allowed}）',
    en: 'The action "{action}" does not apply to this step (allowed: {allowed})',
  },
  'workflow.comment_required': {
    'zh-CN': '执行“{action}”必须填写意见',
    en: 'The action "{action}" needs a comment',
  },
  'workflow.same_leader': {
    'zh-CN': '同一位领导不能在报件 {id} 的同一轮签批中签署两个席位',
    en: 'One leader cannot sign two seats of filing {id} in the same sign-off',
  },
  'workflow.bad_division': {
    'zh-CN': '处室“{division}”不在本流程中（可选：{allowed}）',
    en: 'The division "{division}" is not part of this process (choose one of: {allowed})',
  },
  'workflow.extension_pending': {
    'zh-CN': '办理事项 {id} 已有一个待审批的延期申请',
    en: 'Task {id} already has an extension request waiting for a decision',
  },
  'workflow.extension_not_found': {
    'zh-CN': '延期申请 {id} 不存在或您无权查看',
    en: 'Extension request {id} does not exist or is not visible to you',
  },
  'workflow.no_receipt': {
    'zh-CN': '报件 {id} 尚未受理，没有受理回执',
    en: 'Filing {id} has not been accepted yet: there is no receipt',
  },
  'idempotency.bad_key': {
    'zh-CN': 'Idempotency-Key 请求头格式有误（8–200 个字母、数字或 ._:-）',
    en: 'The Idempotency-Key header is malformed (8 to 200 letters, digits or ._:-)',
  },
  'idempotency.key_reused': {
    'zh-CN': '该 Idempotency-Key 已用于另一个请求',
    en: 'This Idempotency-Key was already used for a different request',
  },
  'idempotency.in_progress': {
    'zh-CN': '相同的请求正在处理中，请稍候',
    en: 'The same request is still being processed; wait a moment',
  },
  'notification.not_found': { 'zh-CN': '消息 {id} 不存在', en: 'Notification {id} does not exist' },
  'calendar.no_override': {
    'zh-CN': '{day} 没有调整记录',
    en: 'There is no calendar override for {day}',
  },
  'calendar.bad_day': {
    'zh-CN': '日期“{day}”无效：请使用 YYYY-MM-DD 格式的真实日期',
    en: 'The date "{day}" is not valid: use a real date as YYYY-MM-DD',
  },
  'public.rate_limited': {
    'zh-CN': '查询过于频繁，请稍后再试',
    en: 'Too many lookups; try again later',
  },
  'public.progress_not_found': {
    'zh-CN': '没有找到该受理编号与查询码对应的报件：请核对回执上的受理编号和查询码',
    en: 'No filing matches this receipt number and lookup code: check both on the receipt',
  },
  'filing.not_found': {
    'zh-CN': '报件 {id} 不存在或您无权查看',
    en: 'Filing {id} does not exist or is not visible to you',
  },
  'filing.not_editable': {
    'zh-CN': '报件 {id} 当前状态为“{status}”，不能再修改地块（只有草稿或退回补正的报件可以修改）',
    en: 'Filing {id} is {status}: its parcels can no longer be changed (only drafts and filings returned for correction can)',
  },
  'upload.no_file': {
    'zh-CN': '没有收到文件：请选择 shapefile 压缩包（.zip）、GeoJSON 或坐标交换文件（.txt）',
    en: 'No file received: choose a shapefile zip, a GeoJSON or a boundary-coordinate text file (.txt)',
  },
  'upload.too_large': {
    'zh-CN': '上传内容过大：上限为 {limit}',
    en: 'Upload too large: the limit is {limit}',
  },
  'upload.too_many_files': {
    'zh-CN': '一次最多上传 {limit} 个文件',
    en: 'At most {limit} files per upload',
  },
  'upload.unreadable': {
    'zh-CN': '无法读取上传的文件（{files}）：{first}',
    en: 'The uploaded files ({files}) cannot be read: {first}',
  },
  'upload.not_found': {
    'zh-CN': '报件 {filingId} 没有编号为 {id} 的上传记录',
    en: 'Filing {filingId} has no upload {id}',
  },
  'upload.not_pending': {
    'zh-CN': '上传 {id} 的状态为“{status}”，不能再导入',
    en: 'Upload {id} is {status} and can no longer be imported',
  },
  'upload.has_errors': {
    'zh-CN': '上传 {id} 有 {errors} 个错误，请修正文件后重新上传',
    en: 'Upload {id} has {errors} errors: fix the file and upload it again',
  },
  'upload.bad_crs': {
    'zh-CN': '坐标系“{crs}”无法识别：请填写 EPSG 代码，如 EPSG:4524',
    en: 'Coordinate system "{crs}" is not recognised: give an EPSG code such as EPSG:4524',
  },
  'check.run_not_found': {
    'zh-CN': '报件 {id} 没有编号为 {run} 的检查记录',
    en: 'Filing {id} has no check run {run}',
  },
  'layer.unknown_kind': {
    'zh-CN': '未知的参考图层类型“{kind}”，可用：{kinds}',
    en: 'Unknown reference layer kind "{kind}"; known kinds: {kinds}',
  },
  'layer.version_not_found': {
    'zh-CN': '图层“{layer}”没有版本“{version}”',
    en: 'The layer {layer} has no version "{version}"',
  },
  'layer.version_exists': {
    'zh-CN': '图层“{layer}”已有版本“{label}”：旧版本不会被覆盖，请换一个版本名称',
    en: 'The layer {layer} already has a version "{label}": versions are never overwritten; choose another label',
  },
  'layer.unreadable': {
    'zh-CN': '无法导入参考图层文件（{files}）：{first}',
    en: 'The reference layer files ({files}) cannot be imported: {first}',
  },
  'layer.no_features': {
    'zh-CN': '{files} 中没有可导入的面要素（共读到 {read} 个要素）',
    en: '{files} holds no polygon that can be imported ({read} features read)',
  },
  'layer.class_field_required': {
    'zh-CN': '导入“{layer}”须指定分类字段（classField：存放分类代码的属性）；文件中的字段：{fields}',
    en: 'Importing {layer} needs the class field (classField: the attribute holding the class code); the file has the fields {fields}',
  },
  'layer.class_field_unknown': {
    'zh-CN': '文件中没有字段“{field}”；文件中的字段：{fields}',
    en: 'The file has no field "{field}"; its fields are {fields}',
  },
  'layer.no_known_classes': {
    'zh-CN':
      '字段 {field} 中的代码（{codes}）都不是“{layer}”的分类代码（{known}），按它检查将什么也查不到：请选择存放分类代码的字段，或先转换代码',
    en: 'None of the codes in the field {field} ({codes}) is a class code of {layer} ({known}), so checks against it would find nothing: choose the field holding the class codes, or recode the file first',
  },
  // findings of a layer import (warnings: the import went on)
  'layer.feature_skipped': {
    'zh-CN': '第 {n} 个要素没有可用的面（{reason}），未导入',
    en: 'Feature {n} has no usable polygon ({reason}); not imported',
  },
  'layer.ring_closed': {
    'zh-CN': '第 {n} 个要素的{ringLabel}没有闭合，已补上首点使其闭合',
    en: 'Feature {n}: {ringLabel} was not closed; closed by repeating its first position',
  },
  'layer.ring_dropped': {
    'zh-CN': '第 {n} 个要素的{ringLabel}只有 {count} 个坐标（闭合的环至少需要 4 个），已去掉',
    en: 'Feature {n}: {ringLabel} has only {count} positions (a closed ring needs 4); left out',
  },
  'layer.geometry_repaired': {
    'zh-CN': '第 {n} 个要素的几何无效（{reason}），已用 ST_MakeValid 修复',
    en: 'Feature {n}: invalid geometry ({reason}); made valid with ST_MakeValid',
  },
  'layer.geometry_dropped': {
    'zh-CN': '第 {n} 个要素的几何无效（{reason}），修复后没有剩余面积，未导入',
    en: 'Feature {n}: invalid geometry ({reason}) with no area left once made valid; not imported',
  },
  'layer.class_missing': {
    'zh-CN': '有 {count} 个要素的分类字段 {field} 为空（第一个是第 {first} 个要素）',
    en: '{count} features have no value in the class field {field} (the first is feature {first})',
  },
  'layer.unknown_classes': {
    'zh-CN': '分类字段 {field} 中有不在“{layer}”图例中的代码：{codes}（图例：{known}）',
    en: 'The class field {field} holds codes outside the legend of {layer}: {codes} (legend: {known})',
  },
  'bbox.invalid': {
    'zh-CN': 'bbox 参数应为 最小经度,最小纬度,最大经度,最大纬度（EPSG:4490）',
    en: 'bbox must be minLon,minLat,maxLon,maxLat in EPSG:4490',
  },
  'server.internal': {
    'zh-CN': '服务器内部错误，已记录（编号 {ref}）',
    en: 'Internal server error; it has been logged (reference {ref})',
  },
} as const satisfies Record<string, Record<Locale, string>>

export type MessageCode = keyof typeof MESSAGES

/** The message for a code in a locale, with `{name}` placeholders filled from params (bilingual params pick the locale). */
export function formatMessage(
  code: MessageCode,
  locale: Locale,
  params: Record<string, unknown> = {},
): string {
  const template: string = MESSAGES[code][locale]
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    if (!(name in params)) return whole
    const value = params[name]
    // A parameter may itself be bilingual ({ 'zh-CN': …, en: … }), e.g. a finding's message.
    if (value && typeof value === 'object' && locale in value)
      return String((value as Record<Locale, unknown>)[locale])
    return String(value)
  })
}

/** The best supported locale for an Accept-Language header (zh-CN unless English is preferred). */
export function pickLocale(acceptLanguage: string | undefined): Locale {
  if (!acceptLanguage) return 'zh-CN'
  const first = acceptLanguage.split(',')[0]?.trim().toLowerCase() ?? ''
  return first.startsWith('en') ? 'en' : 'zh-CN'
}
