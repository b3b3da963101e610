/** A node of the OCOP group tree (148/QĐ-TTg): level 1 "I Thực phẩm", level 2 "I.2", level 3 "I.2.b". Reference data written by a migration. */
export interface Category {
  id: number;
  code: string;
  parentCode: string | null;
  level: number;
  position: number;
  nameVi: string;
  nameEn: string;
}
