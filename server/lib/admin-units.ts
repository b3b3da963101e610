import fs from 'node:fs';
import path from 'node:path';
import { seedDataDir } from './paths';

/** The 2025 two-tier administrative units: 34 provinces, and the 99 communes/wards of Lào Cai. Loaded once. */
interface CommuneFile {
  communes: { ward_code: string; name: string }[];
}
interface ProvinceFile {
  provinces: { code: string; name: string }[];
}

function readJson<T>(file: string): T {
  return JSON.parse(fs.readFileSync(path.join(seedDataDir, file), 'utf8')) as T;
}

export const laoCaiCommunes: readonly string[] = Object.freeze(
  readJson<CommuneFile>('laocai-communes-2025.json')
    .communes.map((c) => c.name)
    .sort((a, b) => a.localeCompare(b, 'vi')),
);

/** The 34 provinces of 2025 with their codes, in the file's order. */
export const provinceList: readonly { code: string; name: string }[] = Object.freeze(
  readJson<ProvinceFile>('vn-provinces-2025.json').provinces.map((p) => Object.freeze({ code: p.code, name: p.name })),
);

export const provinces: readonly string[] = Object.freeze(provinceList.map((p) => p.name));

const communeSet = new Set(laoCaiCommunes);
export function isLaoCaiCommune(name: string): boolean {
  return communeSet.has(name);
}
