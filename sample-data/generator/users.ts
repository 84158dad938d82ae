/**
 * Demo accounts. They exist only in the sample data: every one has the password `Demo#2026`, which a
 * real deployment must never seed.
 */

export type Role =
  'admin' | 'window_clerk' | 'division_reviewer' | 'leader' | 'supervisor' | 'city_clerk' | 'county_clerk'

export type Division = 'farmland_protection' | 'planning' | 'land_use' | 'cadastre' | 'legal'

export interface DemoUser {
  username: string
  password: string
  displayName: string
  role: Role
  division: Division | null
  jurisdictionCode: string
}

export const DEMO_PASSWORD = 'Demo#2026'

const user = (
  username: string,
  displayName: string,
  role: Role,
  jurisdictionCode: string,
  division: Division | null = null,
): DemoUser => ({ username, password: DEMO_PASSWORD, displayName, role, division, jurisdictionCode })

export const DEMO_USERS: readonly DemoUser[] = [
  user('admin', '示范省自然资源厅 系统管理员 王磊', 'admin', '520000'),
  user('window', '省厅政务大厅 窗口受理员 李娜', 'window_clerk', '520000'),
  user('reviewer.farmland', '耕地保护处 审查员 陈刚', 'division_reviewer', '520000', 'farmland_protection'),
  user('reviewer.planning', '国土空间规划处 审查员 刘洋', 'division_reviewer', '520000', 'planning'),
  user('reviewer.landuse', '土地利用处 审查员 赵静', 'division_reviewer', '520000', 'land_use'),
  user('reviewer.cadastre', '地籍管理处 审查员 孙伟', 'division_reviewer', '520000', 'cadastre'),
  user('reviewer.legal', '法规处 审查员 周芳', 'division_reviewer', '520000', 'legal'),
  user('leader1', '厅领导 副厅长 吴建国', 'leader', '520000'),
  user('leader2', '厅领导 厅长 郑志强', 'leader', '520000'),
  user('supervisor', '电子监察室 督办员 冯丽', 'supervisor', '520000'),
  user('city.qingshan', '青山市自然资源局 审核员 何军', 'city_clerk', '520100'),
  user('city.yunxi', '云溪市自然资源局 审核员 高红', 'city_clerk', '520200'),
  user('county.a', '南明县 报件员 张敏', 'county_clerk', '520102'),
  user('county.b', '松溪县 报件员 林涛', 'county_clerk', '520103'),
  user('county.c', '清河县 报件员 马晓燕', 'county_clerk', '520202'),
]

/** The county clerk who files for a county (the sample has one per filing county). */
export function clerkOf(countyCode: string): string {
  const clerk = DEMO_USERS.find((u) => u.role === 'county_clerk' && u.jurisdictionCode === countyCode)
  if (!clerk) throw new Error(`no demo county clerk for ${countyCode}`)
  return clerk.username
}
