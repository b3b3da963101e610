/**
 * The commonest passwords (global leak lists plus common Vietnamese choices), compared lower-cased.
 * Refusing these stops the first guesses of every credential-stuffing script.
 */
export const COMMON_PASSWORDS: ReadonlySet<string> = new Set([
  '12345678', '123456789', '1234567890', '12345678910', '123123123', '11111111', '00000000', '88888888',
  '66666666', '99999999', '12341234', '87654321', '11223344', '123456780', '1234567899', '147258369',
  '123654789', '159753123', '147852369', '123321123', '321321321', '0123456789', '0987654321', '01234567',
  'password', 'password1', 'password12', 'password123', 'passw0rd', 'p@ssw0rd', 'p@ssword', 'pass1234',
  'qwertyui', 'qwertyuiop', 'qwerty123', 'qwerty12', '1qaz2wsx', 'zaq12wsx', '1q2w3e4r', '1q2w3e4r5t',
  'abc12345', 'abcd1234', 'abcdefgh', 'a1234567', 'aa123456', 'asdfghjk', 'asdfasdf', 'zxcvbnm1',
  'iloveyou', 'iloveyou1', 'sunshine', 'princess', 'football', 'baseball', 'welcome1', 'welcome123',
  'letmein1', 'monkey123', 'dragon123', 'superman', 'starwars', 'whatever', 'trustno1', 'computer',
  'internet', 'michelle', 'jennifer', 'master123', 'admin123', 'admin1234', 'administrator', 'changeme',
  'secret123', 'shadow123', 'football1', 'charlie1', 'jordan23', 'liverpool', 'chelsea1', 'samsung1',
  'matkhau', 'matkhau1', 'matkhau123', 'matkhau@123', 'anhyeuem', 'anhyeuem1', 'anhyeuem123', 'emyeuanh',
  'emyeuanh1', 'yeuemnhieu', 'vietnam1', 'vietnam123', 'vietnam@123', 'hanoi123', 'saigon123', 'laocai123',
  'sapa1234', 'hoilamgi', 'khongbiet', 'motconvit', 'abc@1234', 'admin@123', 'Admin@123', 'qwe12345',
  'asd12345', 'zxc12345', 'aaaaaaaa', 'bbbbbbbb', 'abcabcabc', 'iloveu123', 'loveyou1', 'baby1234',
  'chocop123', 'chợocop', 'ocop1234', 'ocop2026', 'cho-ocop', 'chocopocop',
].map((p) => p.toLowerCase()));
