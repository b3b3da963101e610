import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export type UserRole = 'buyer' | 'seller' | 'admin';

@Entity('users')
export class User {
  @PrimaryGeneratedColumn({ type: 'integer' }) id: number;
  @Column({ type: 'citext', unique: true }) email: string;
  @Column({ name: 'password_hash', type: 'text', nullable: true, select: false }) passwordHash: string | null;
  @Column({ name: 'full_name', type: 'text' }) fullName: string;
  @Column({ type: 'text', nullable: true }) phone: string | null;
  @Column({ type: 'text', default: 'buyer' }) role: UserRole;
  /** Written with the app's clock, like a session's signedInAt: a session signed in before it is over. */
  @Column({ name: 'password_changed_at', type: 'timestamptz', nullable: true }) passwordChangedAt: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
