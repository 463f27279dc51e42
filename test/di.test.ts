import { describe, it, expect } from 'vitest';
import { Container, inject, injectable } from 'inversify';
const A = Symbol.for('A');
interface IA { v(): number }
@injectable() class AImpl implements IA { v() { return 1; } }
@injectable() class B { constructor(@inject(A) private readonly a: IA) {} w() { return this.a.v() + 1; } }
describe('di', () => { it('works', () => { const c = new Container(); c.bind<IA>(A).to(AImpl); c.bind(B).toSelf(); expect(c.get(B).w()).toBe(2); }); });
