import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A node of the OCOP group tree (148/QĐ-TTg): level 1 "I Thực phẩm", level 2 "I.2", level 3 "I.2.b". */
@Entity('categories')
export class Category {
  @PrimaryGeneratedColumn({ type: 'integer' }) id: number;
  @Column({ type: 'text', unique: true }) code: string;
  @Column({ name: 'parent_code', type: 'text', nullable: true }) parentCode: string | null;
  @Column({ type: 'smallint' }) level: number;
  @Column({ type: 'smallint' }) position: number;
  @Column({ name: 'name_vi', type: 'text' }) nameVi: string;
  @Column({ name: 'name_en', type: 'text' }) nameEn: string;
}
