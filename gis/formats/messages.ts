/**
 * Every finding the upload readers (zip, shapefile, DBF, GeoJSON, boundary-coordinate text) can
 * produce: one catalogue, keyed by the finding's code, with its severity and its message in zh-CN and
 * en. A message holds `{name}` placeholders filled from the params, which are also kept as the
 * finding's `details` so a client can show them in its own way.
 *
 * Conventions of the messages: numbers a person sees are 1-based (feature 1 is the first record of a
 * .dbf, line 1 the first line, ring 1 the first ring, as 圈号 counts) while `Finding.featureIndex`
 * stays 0-based. `{feature}` is filled from the finding's place: "地块 DK-02（第 3 个要素）" /
 * "parcel DK-02 (feature 3)", or without a parcel number "第 3 个要素" / "feature 3".
 */
import { finding, UnreadableUpload, type Finding, type Severity } from '../findings'

interface Entry {
  severity: Severity
  'zh-CN': string
  en: string
}

const ENCODING_HINT_ZH = '如文字显示不正确，请在上传时指定编码（如 gbk、utf-8、big5）'
const ENCODING_HINT_EN = 'if the text looks wrong, upload again with the encoding set (e.g. gbk, utf-8, big5)'

export const READER_MESSAGES = {
  // --- the upload as a whole ------------------------------------------------------------------
  'upload.no_files': {
    severity: 'error',
    'zh-CN': '没有收到任何文件',
    en: 'No file was uploaded',
  },
  'upload.empty_file': {
    severity: 'error',
    'zh-CN': '文件 {file} 是空的（0 字节）',
    en: 'File {file} is empty (0 bytes)',
  },
  'upload.unknown_format': {
    severity: 'error',
    'zh-CN':
      '无法识别 {file} 的格式。可接受：Shapefile（.zip 压缩包，或 .shp/.shx/.dbf/.prj/.cpg 文件）、GeoJSON（.geojson/.json）、坐标交换文件（.txt，含 [属性描述] 和 [地块坐标]）',
    en: 'The format of {file} is not recognised. Accepted: shapefile (a .zip, or the .shp/.shx/.dbf/.prj/.cpg files), GeoJSON (.geojson/.json), boundary-coordinate text file (.txt with [属性描述] and [地块坐标])',
  },
  'upload.several_files': {
    severity: 'error',
    'zh-CN': '一次只能上传一个数据文件（或一个 Shapefile 的各组成文件），收到了：{files}',
    en: 'Upload one data file at a time (or the parts of one shapefile); received: {files}',
  },
  'upload.zip_no_data': {
    severity: 'error',
    'zh-CN':
      '压缩包 {file} 中没有可读取的数据：需要一个 Shapefile（.shp 及其 .dbf 等），或一个 .geojson、一个坐标交换 .txt 文件。包内文件：{entries}',
    en: 'Zip {file} holds nothing readable: it needs a shapefile (.shp with its .dbf …), or one .geojson or one boundary-coordinate .txt file. Entries: {entries}',
  },
  'upload.zip_several_files': {
    severity: 'error',
    'zh-CN': '压缩包 {file} 中有多个数据文件（{entries}），请每次只上传一个',
    en: 'Zip {file} holds several data files ({entries}); upload one at a time',
  },
  'encoding.unknown': {
    severity: 'error',
    'zh-CN': '不支持指定的编码“{encoding}”，可用如 gbk、gb18030、utf-8、big5、windows-1252',
    en: 'The encoding "{encoding}" is not supported; use e.g. gbk, gb18030, utf-8, big5, windows-1252',
  },

  // --- limits ---------------------------------------------------------------------------------
  'limits.features': {
    severity: 'error',
    'zh-CN': '{file} 中的要素超过 {limit} 个上限（至少 {count} 个），请分批上传',
    en: '{file} holds more than the limit of {limit} features (at least {count}); upload it in parts',
  },
  'limits.vertices': {
    severity: 'error',
    'zh-CN': '{file} 中的顶点超过 {limit} 个上限（至少 {count} 个），请分批上传或简化图形',
    en: '{file} holds more than the limit of {limit} vertices (at least {count}); upload it in parts or simplify',
  },
  'limits.time': {
    severity: 'error',
    'zh-CN': '读取 {file} 超过了时间上限，文件可能过大或已损坏',
    en: 'Reading {file} took longer than the time limit; the file may be too large or damaged',
  },

  // --- zip ------------------------------------------------------------------------------------
  'zip.invalid': {
    severity: 'error',
    'zh-CN': '{file} 不是有效的 zip 压缩包（{reasonZh}），请重新压缩后上传',
    en: '{file} is not a valid zip archive ({reason}); zip the files again and upload',
  },
  'zip.empty': {
    severity: 'error',
    'zh-CN': '压缩包 {file} 是空的',
    en: 'Zip {file} is empty',
  },
  'zip.too_large': {
    severity: 'error',
    'zh-CN': '压缩包 {file} 解压后超过 {limit} 字节上限（在 {entry} 处），已停止解压',
    en: 'Zip {file} expands to more than the limit of {limit} bytes (at {entry}); unpacking stopped',
  },
  'zip.ratio': {
    severity: 'error',
    'zh-CN':
      '压缩包 {file} 中的 {entry} 压缩比超过 {limit}:1（{compressed} 字节解压出 {produced} 字节以上），疑似“压缩炸弹”，已拒绝',
    en: 'Entry {entry} of zip {file} expands more than {limit}:1 ({compressed} bytes to over {produced}); refused as a possible zip bomb',
  },
  'zip.path_traversal': {
    severity: 'error',
    'zh-CN': '压缩包 {file} 中的条目“{entry}”使用了绝对路径或“..”，已拒绝整个压缩包',
    en: 'Zip {file} has an entry "{entry}" with an absolute path or "..": the whole zip is refused',
  },
  'zip.encrypted': {
    severity: 'error',
    'zh-CN': '压缩包 {file} 中的 {entry} 已加密，请去掉密码后重新压缩',
    en: 'Entry {entry} of zip {file} is encrypted; zip it again without a password',
  },
  'zip.unsupported_method': {
    severity: 'error',
    'zh-CN': '压缩包 {file} 中的 {entry} 使用了不支持的压缩方式（{method}），请用普通 zip（Deflate）重新压缩',
    en: 'Entry {entry} of zip {file} uses an unsupported compression method ({method}); zip it again with plain Deflate',
  },
  'zip.corrupt_entry': {
    severity: 'error',
    'zh-CN': '压缩包 {file} 中的 {entry} 已损坏（{reasonZh}），请重新压缩后上传',
    en: 'Entry {entry} of zip {file} is damaged ({reason}); zip the files again and upload',
  },

  // --- shapefile ------------------------------------------------------------------------------
  'shapefile.no_shp': {
    severity: 'error',
    'zh-CN': '{file} 中没有 .shp 文件（找到：{found}）；Shapefile 至少需要 .shp，最好同时有 .dbf 和 .prj',
    en: '{file} holds no .shp file (found: {found}); a shapefile needs its .shp, best with its .dbf and .prj',
  },
  'shapefile.choose_layer': {
    severity: 'error',
    'zh-CN': '{file} 中有 {count} 个图层：{layerList}；请选择要导入的图层',
    en: '{file} holds {count} layers: {layerList}; choose the layer to import',
  },
  'shapefile.layer_not_found': {
    severity: 'error',
    'zh-CN': '{file} 中没有图层“{layer}”，可选：{layerList}',
    en: '{file} has no layer "{layer}"; its layers are: {layerList}',
  },
  'shapefile.invalid': {
    severity: 'error',
    'zh-CN': '{file} 不是 Shapefile 主文件（{reasonZh}）',
    en: '{file} is not a shapefile main file ({reason})',
  },
  'shapefile.not_polygons': {
    severity: 'error',
    'zh-CN': '地块必须是面；{file} 图层中是{shapeTypeZh}（{shapeType}）',
    en: 'Parcels must be polygons; this layer ({file}) holds {shapeType} shapes',
  },
  'shapefile.truncated': {
    severity: 'error',
    'zh-CN':
      '{file} 不完整：文件头声明 {declared} 字节，实际只有 {actual} 字节；只读到前 {records} 条完整记录。请重新导出或重新上传',
    en: '{file} is truncated: its header declares {declared} bytes but only {actual} are there; only the first {records} complete records were read. Export or upload it again',
  },
  'shapefile.trailing_bytes': {
    severity: 'warning',
    'zh-CN': '{file} 在最后一条记录之后还有 {bytes} 字节{whatZh}（文件头声明长度 {declared} 字节），已忽略',
    en: '{file} has {bytes} bytes of {what} after its last record (the header declares {declared} bytes); they were ignored',
  },
  'shapefile.bad_record': {
    severity: 'error',
    'zh-CN': '{file} 第 {record} 条记录（字节偏移 {offset}）已损坏：{reasonZh}',
    en: '{file} record {record} (byte offset {offset}) is damaged: {reason}',
  },
  'shapefile.record_number': {
    severity: 'warning',
    'zh-CN': '{file} 第 {record} 条记录的记录号是 {number}，不是 {record}；按文件中的顺序读取',
    en: '{file} record {record} is numbered {number}, not {record}; records were read in file order',
  },
  'shapefile.empty_shape': {
    severity: 'warning',
    'zh-CN': '{feature}：{file} 中该记录是没有顶点的面，按空图形处理',
    en: '{feature}: the record in {file} is a polygon without vertices; read as an empty geometry',
  },
  'shapefile.orphan_hole': {
    severity: 'warning',
    'zh-CN':
      '{feature}：第 {ring} 个环为逆时针（按 Shapefile 规则是洞），但不在任何外环之内，已作为单独的面读取；请检查环的方向',
    en: '{feature}: ring {ring} is counter-clockwise (a hole by the shapefile rules) but lies inside no outer ring; it was read as a separate polygon. Check the ring orientation',
  },
  'shapefile.no_dbf': {
    severity: 'warning',
    'zh-CN': '{file} 没有对应的 .dbf 属性表，地块将没有编号、名称等属性',
    en: '{file} has no .dbf attribute table: the parcels will have no number, name or other attributes',
  },
  'shapefile.count_mismatch': {
    severity: 'warning',
    'zh-CN': '{shp} 有 {shapes} 条图形记录，{dbf} 有 {rows} 条属性记录；按顺序对应，多出的图形没有属性',
    en: '{shp} has {shapes} shape records but {dbf} has {rows} attribute records; they were matched in order and extra shapes have no attributes',
  },
  'shapefile.deleted_record': {
    severity: 'warning',
    'zh-CN': '{feature} 在 {dbf} 中标记为已删除，已跳过',
    en: '{feature} is marked as deleted in {dbf}; skipped',
  },

  // --- dbf ------------------------------------------------------------------------------------
  'dbf.invalid': {
    severity: 'error',
    'zh-CN': '属性表 {file} 无法读取（{reasonZh}），地块属性缺失；请重新导出',
    en: 'Attribute table {file} cannot be read ({reason}); the parcels have no attributes. Export it again',
  },
  'dbf.truncated': {
    severity: 'warning',
    'zh-CN': '属性表 {file} 声明 {declared} 条记录，实际只有 {actual} 条完整记录',
    en: 'Attribute table {file} declares {declared} records but holds only {actual} complete ones',
  },
  'dbf.cpg_unknown': {
    severity: 'warning',
    'zh-CN': '{cpg} 的内容“{value}”不是可识别的代码页名称，已忽略；改用{fallbackZh}',
    en: '{cpg} says "{value}", which is not a code page name; it was ignored and {fallback} used instead',
  },
  'dbf.cpg_unspecific': {
    severity: 'warning',
    'zh-CN': '{cpg} 只写了“{value}”（系统默认代码页），没有指明编码；改用{fallbackZh}',
    en: '{cpg} only says "{value}" (the system default code page), not which one; {fallback} used instead',
  },
  'dbf.encoding_detected': {
    severity: 'warning',
    'zh-CN': '属性表 {file} 未声明编码{whyZh}，按内容判断为 {encoding}。' + ENCODING_HINT_ZH,
    en:
      'Attribute table {file} does not declare its encoding{why}; judged from its content to be {encoding}. ' +
      ENCODING_HINT_EN,
  },
  'dbf.encoding_doubtful': {
    severity: 'warning',
    'zh-CN':
      '属性表 {file} 按 {encoding} 解码后的文字不像正常中文（如 {field} 字段第 {record} 条：“{sample}”）。' +
      ENCODING_HINT_ZH,
    en:
      'Attribute table {file} decoded as {encoding} does not read like normal text (e.g. field {field}, record {record}: "{sample}"). ' +
      ENCODING_HINT_EN,
  },
  'dbf.encoding_suspect': {
    severity: 'warning',
    'zh-CN':
      '属性表 {file} 按{sourceZh}声明的 {encoding} 解码，但内容看起来是 {likely} 编码（如 {field} 字段第 {record} 条）。如文字显示不正确，请指定编码 {likely} 重新上传',
    en: 'Attribute table {file} was decoded as {encoding}, as its {source} says, but its content looks like {likely} (e.g. field {field}, record {record}); if the text looks wrong, upload again with encoding {likely}',
  },
  'dbf.decode_error': {
    severity: 'warning',
    'zh-CN':
      '{feature}：属性表 {file} 的 {field} 字段按 {encoding} 解码出错（出现无法识别的字节），结果为“{value}”。' +
      ENCODING_HINT_ZH,
    en:
      '{feature}: field {field} of {file} does not decode as {encoding} (invalid bytes), giving "{value}"; ' +
      ENCODING_HINT_EN,
  },
  'dbf.field_ignored': {
    severity: 'warning',
    'zh-CN': '属性表 {file} 的字段 {field}（类型 {type}）无法读取，已忽略',
    en: 'Field {field} (type {type}) of {file} cannot be read and was ignored',
  },
  'dbf.duplicate_field': {
    severity: 'warning',
    'zh-CN': '属性表 {file} 中字段名 {field} 重复，第二个改名为 {renamed}',
    en: 'Field name {field} appears twice in {file}; the second one is named {renamed}',
  },
  'dbf.bad_number': {
    severity: 'warning',
    'zh-CN': '{feature}：{file} 的数值字段 {field} 的值“{value}”不是数字，按空值处理',
    en: '{feature}: numeric field {field} of {file} holds "{value}", which is not a number; read as empty',
  },

  // --- field mapping --------------------------------------------------------------------------
  'fields.no_parcel_no': {
    severity: 'warning',
    'zh-CN': '{file} 中没有地块编号字段（查找了 {candidates}），地块将没有编号；现有字段：{fields}',
    en: '{file} has no parcel-number field (looked for {candidates}); the parcels will have no number. Its fields: {fields}',
  },
  'fields.area_not_number': {
    severity: 'warning',
    'zh-CN': '{feature}：面积字段 {field} 的值“{value}”不是数字，申报面积按空值处理',
    en: '{feature}: area field {field} holds "{value}", which is not a number; the declared area is left empty',
  },

  // --- GeoJSON --------------------------------------------------------------------------------
  'geojson.invalid_json': {
    severity: 'error',
    'zh-CN': '{file} 不是有效的 JSON：第 {line} 行第 {column} 列附近出错（{reason}）',
    en: '{file} is not valid JSON: error near line {line}, column {column} ({reason})',
  },
  'geojson.invalid_utf8': {
    severity: 'error',
    'zh-CN':
      '{file} 不是 UTF-8 编码（第 {line} 行第 {column} 列有无效字节）；GeoJSON 必须是 UTF-8。{hintZh}请另存为 UTF-8，或在上传时指定编码',
    en: '{file} is not UTF-8 (invalid bytes at line {line}, column {column}); GeoJSON must be UTF-8. {hint}Save it as UTF-8, or upload again with the encoding set',
  },
  'geojson.echarts_encoded': {
    severity: 'error',
    'zh-CN':
      '{file} 是 ECharts 地图文件（UTF8Encoding 压缩坐标），不是标准 GeoJSON，坐标无法直接使用；请从 GIS 软件导出标准 GeoJSON',
    en: '{file} is an ECharts map file (coordinates compressed with UTF8Encoding), not GeoJSON; export plain GeoJSON from a GIS instead',
  },
  'geojson.topojson': {
    severity: 'error',
    'zh-CN':
      '{file} 是 TopoJSON（type 为 Topology），不是 GeoJSON；请先转换为 GeoJSON（如 mapshaper、topojson-client）',
    en: '{file} is TopoJSON (type "Topology"), not GeoJSON; convert it to GeoJSON first (e.g. mapshaper, topojson-client)',
  },
  'geojson.esri_json': {
    severity: 'error',
    'zh-CN': '{file} 是 Esri JSON（含 rings/spatialReference），不是 GeoJSON；请导出为 GeoJSON 或 Shapefile',
    en: '{file} is Esri JSON (rings/spatialReference), not GeoJSON; export it as GeoJSON or a shapefile',
  },
  'geojson.not_geojson': {
    severity: 'error',
    'zh-CN': '{file} 是 JSON，但不是 GeoJSON（{reasonZh}）',
    en: '{file} is JSON but not GeoJSON ({reason})',
  },
  'geojson.no_features': {
    severity: 'warning',
    'zh-CN': '{file} 中没有任何要素',
    en: '{file} holds no features',
  },
  'geojson.not_feature': {
    severity: 'error',
    'zh-CN': '{feature}：FeatureCollection 的成员不是 Feature（type 为 {type}），已跳过',
    en: '{feature}: a member of the FeatureCollection is not a Feature (type {type}); skipped',
  },
  'geojson.not_polygon': {
    severity: 'error',
    'zh-CN': '{feature}：地块必须是面（Polygon/MultiPolygon），这里是 {type}',
    en: '{feature}: parcels must be polygons (Polygon/MultiPolygon); this one is a {type}',
  },
  'geojson.geometry_collection': {
    severity: 'error',
    'zh-CN':
      '{feature}：几何是 GeometryCollection，不接受嵌套集合；请拆分为多个 Feature 或合并为 MultiPolygon',
    en: '{feature}: the geometry is a GeometryCollection; nested collections are not accepted. Split it into Features or merge it into a MultiPolygon',
  },
  'geojson.bad_coordinates': {
    severity: 'error',
    'zh-CN': '{feature}：坐标结构有误（{whereZh}：{reasonZh}）',
    en: '{feature}: malformed coordinates ({where}: {reason})',
  },
  'geojson.ring_too_short': {
    severity: 'error',
    'zh-CN': '{feature}：{ringZh}只有 {count} 个坐标，闭合的环至少需要 4 个',
    en: '{feature}: {ring} has only {count} positions; a closed ring needs at least 4',
  },
  'geojson.ring_unclosed': {
    severity: 'error',
    'zh-CN':
      '{feature}：{ringZh}没有闭合（最后一个点与第一个点不同）；GeoJSON 要求首尾点相同，请在导出时闭合',
    en: '{feature}: {ring} is not closed (its last position differs from its first); GeoJSON requires the first and last positions to be equal',
  },
  'geojson.structure': {
    severity: 'warning',
    'zh-CN': '{feature}：结构不符合 GeoJSON 规范：{reason}',
    en: '{feature}: does not follow the GeoJSON specification: {reason}',
  },
  'geojson.crs_unreadable': {
    severity: 'warning',
    'zh-CN': '{file} 的 crs 成员无法识别（{value}），已忽略',
    en: 'The crs member of {file} cannot be understood ({value}); it was ignored',
  },

  // --- boundary-coordinate text (坐标交换文件) ------------------------------------------------
  'coordtxt.decode_error': {
    severity: 'warning',
    'zh-CN': '{file} 第 {line} 行按 {encoding} 解码出错（出现无法识别的字节）。' + ENCODING_HINT_ZH,
    en: '{file} line {line} does not decode as {encoding} (invalid bytes); ' + ENCODING_HINT_EN,
  },
  'coordtxt.fullwidth': {
    severity: 'warning',
    'zh-CN':
      '{file} 中有 {count} 行使用了全角标点或数字（首次在第 {line} 行），已按半角读取；此格式要求半角（英文）标点',
    en: '{file} has full-width punctuation or digits on {count} lines (first on line {line}); read as their ASCII forms. The format requires ASCII punctuation',
  },
  'coordtxt.no_parcels': {
    severity: 'error',
    'zh-CN': '{file} 的 [地块坐标] 部分没有任何地块',
    en: '{file} has no parcels in its [地块坐标] section',
  },
  'coordtxt.no_header_section': {
    severity: 'warning',
    'zh-CN': '{file} 没有 [属性描述] 部分，坐标系需另行确定',
    en: '{file} has no [属性描述] section; its coordinate system must be determined otherwise',
  },
  'coordtxt.unknown_section': {
    severity: 'warning',
    'zh-CN': '{file} 第 {line} 行：未知的部分 {section}，其内容已忽略',
    en: '{file} line {line}: unknown section {section}; its content was ignored',
  },
  'coordtxt.stray_line': {
    severity: 'warning',
    'zh-CN': '{file} 第 {line} 行不属于任何部分，已忽略：“{text}”',
    en: '{file} line {line} is outside any section and was ignored: "{text}"',
  },
  'coordtxt.bad_header_line': {
    severity: 'warning',
    'zh-CN': '{file} 第 {line} 行不是“键=值”形式，已忽略：“{text}”',
    en: '{file} line {line} is not a key=value line and was ignored: "{text}"',
  },
  'coordtxt.bad_line': {
    severity: 'error',
    'zh-CN': '{file} 第 {line} 行既不是地块行（以 @ 结尾）也不是界址点行（点号,圈号,X,Y）：“{text}”',
    en: '{file} line {line} is neither a parcel line (ending in @) nor a point line (name,ring,X,Y): "{text}"',
  },
  'coordtxt.parcel_fields': {
    severity: 'error',
    'zh-CN':
      '{file} 第 {line} 行：地块行有 {count} 个字段，应为 9 到 13 个（点数,面积,地块编号,地块名称,面,图幅号,用途,地类编码,@）',
    en: '{file} line {line}: the parcel line has {count} fields; 9 to 13 are expected (count,area,number,name,面,map sheet,use,land class,@)',
  },
  'coordtxt.bad_number': {
    severity: 'error',
    'zh-CN': '{file} 第 {line} 行：{whatZh}“{value}”不是数字',
    en: '{file} line {line}: {what} "{value}" is not a number',
  },
  'coordtxt.point_before_parcel': {
    severity: 'error',
    'zh-CN': '{file} 第 {line} 行：界址点出现在第一个地块行之前，无法归属',
    en: '{file} line {line}: a point comes before the first parcel line and belongs to no parcel',
  },
  'coordtxt.not_polygon': {
    severity: 'error',
    'zh-CN': '{feature}，第 {line} 行：图形属性为“{shape}”，地块必须是“面”',
    en: '{feature}, line {line}: shape type is "{shape}"; parcels must be "面" (polygon)',
  },
  'coordtxt.no_points': {
    severity: 'error',
    'zh-CN': '{feature}，第 {line} 行：没有界址点',
    en: '{feature}, line {line}: no boundary points',
  },
  'coordtxt.ring_too_short': {
    severity: 'error',
    'zh-CN': '{feature}：第 {ring} 圈（第 {line} 行起）只有 {count} 个不同的点，至少需要 3 个',
    en: '{feature}: ring {ring} (from line {line}) has only {count} distinct points; at least 3 are needed',
  },
  'coordtxt.ring_unclosed': {
    severity: 'warning',
    'zh-CN':
      '{feature}：第 {ring} 圈（第 {line} 行起）没有以起点结束，已自动闭合（此格式约定以重复起点闭合，补上起点不改变图形）',
    en: '{feature}: ring {ring} (from line {line}) does not end on its first point; it was closed by repeating that point, which is this format’s convention and does not change the shape',
  },
  'coordtxt.ring_reused': {
    severity: 'warning',
    'zh-CN': '{feature}：第 {ring} 圈在第 {line} 行闭合后仍有同圈号的点，已作为新的一圈读取',
    en: '{feature}: ring {ring} closes on line {line} but more points with the same ring number follow; they were read as a new ring',
  },
  'coordtxt.ring_outside': {
    severity: 'warning',
    'zh-CN': '{feature}：第 {ring} 圈不在第 1 圈之内，不是洞，已作为该地块的另一个部分（多部分地块）读取',
    en: '{feature}: ring {ring} lies outside ring 1, so it is not a hole; it was read as another part of the parcel (multi-part)',
  },
  'coordtxt.point_count_mismatch': {
    severity: 'warning',
    'zh-CN': '{feature}，第 {line} 行：声明 {declared} 个界址点，实际有 {actual} 个',
    en: '{feature}, line {line}: declares {declared} points but {actual} follow',
  },
  'coordtxt.area_mismatch': {
    severity: 'warning',
    'zh-CN':
      '{feature}，第 {line} 行：声明面积 {declaredHa} 公顷（{declaredM2} 平方米），按坐标计算的平面面积为 {computedM2} 平方米（相差 {percent}%）',
    en: '{feature}, line {line}: declared area {declaredHa} ha ({declaredM2} m²) but the planar area of its coordinates is {computedM2} m² ({percent}% apart)',
  },
} as const satisfies Record<string, Entry>

export type ReaderCode = keyof typeof READER_MESSAGES

export type Params = Record<string, string | number | boolean | null | undefined | string[]>

export interface Where {
  featureIndex?: number | null
  parcelNo?: string | null
  sourceLocation?: [number, number] | null
}

function featureLabel(where: Where): { zh: string; en: string } {
  if (where.featureIndex === null || where.featureIndex === undefined) {
    return where.parcelNo
      ? { zh: `地块 ${where.parcelNo}`, en: `parcel ${where.parcelNo}` }
      : { zh: '', en: '' }
  }
  const n = where.featureIndex + 1
  return where.parcelNo
    ? { zh: `地块 ${where.parcelNo}（第 ${n} 个要素）`, en: `parcel ${where.parcelNo} (feature ${n})` }
    : { zh: `第 ${n} 个要素`, en: `feature ${n}` }
}

function fill(template: string, params: Params, feature: string): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    if (name === 'feature') return feature
    const value = params[name]
    if (value === undefined) return whole
    return Array.isArray(value) ? value.join(', ') : String(value)
  })
}

/** A finding from the catalogue: its severity and both messages, filled from params and place. */
export function report(code: ReaderCode, params: Params = {}, where: Where = {}): Finding {
  const entry: Entry = READER_MESSAGES[code]
  const label = featureLabel(where)
  let en = fill(entry.en, params, label.en)
  // "parcel DK-02 (feature 3): …" starts a sentence; a file name does not change case.
  if (entry.en.startsWith('{feature}')) en = en.charAt(0).toUpperCase() + en.slice(1)
  const details: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(params)) if (value !== undefined) details[key] = value
  return finding(code, entry.severity, fill(entry['zh-CN'], params, label.zh), en, {
    featureIndex: where.featureIndex ?? null,
    parcelNo: where.parcelNo ?? null,
    ...(where.sourceLocation !== undefined ? { sourceLocation: where.sourceLocation } : {}),
    details,
  })
}

/** The error that refuses a whole upload, with one finding from the catalogue. */
export function unreadable(code: ReaderCode, params: Params = {}, where: Where = {}): UnreadableUpload {
  return new UnreadableUpload([report(code, params, where)])
}

/** How many findings of one code a reader keeps before summarising the rest in a count. */
export const FINDINGS_PER_CODE = 100

/**
 * The findings of one read, with at most `FINDINGS_PER_CODE` of each code: a file with the same
 * defect in 100,000 records gets 100 precise findings and a count, not 100,000 lines.
 */
export class FindingList {
  readonly items: Finding[] = []
  private readonly counts = new Map<string, number>()

  add(code: ReaderCode, params: Params = {}, where: Where = {}): void {
    const seen = (this.counts.get(code) ?? 0) + 1
    this.counts.set(code, seen)
    if (seen <= FINDINGS_PER_CODE) this.items.push(report(code, params, where))
  }

  push(...findings: Finding[]): void {
    for (const f of findings) {
      const seen = (this.counts.get(f.code) ?? 0) + 1
      this.counts.set(f.code, seen)
      if (seen <= FINDINGS_PER_CODE) this.items.push(f)
    }
  }

  /** The findings, with the count of left-out ones recorded in the last kept finding of each code. */
  done(): Finding[] {
    for (const [code, count] of this.counts) {
      if (count <= FINDINGS_PER_CODE) continue
      const last = [...this.items].reverse().find((f) => f.code === code)
      if (!last) continue
      const more = count - FINDINGS_PER_CODE
      last.details = { ...last.details, moreOfTheSame: more }
      last.message = {
        'zh-CN': `${last.message['zh-CN']}（同类问题还有 ${more} 处未逐一列出）`,
        en: `${last.message.en} (and ${more} more of the same, not listed)`,
      }
    }
    return this.items
  }
}
