/* FarmHash Fingerprint64 (kernels/common/fingerprint64.c) against known values for every length 0..300 of one
 * byte pattern, byte i = (i * 167 + 13) mod 256: every length class (0, 1-3, 4-7, 8-16, 17-32, 33-64) and one to
 * five 64-byte blocks with every tail length. The values are FarmHash's own, from PyPI's pyfarmhash 0.4.0:
 *   python3 -c "import farmhash; b = bytes((i * 167 + 13) & 255 for i in range(300));
 *               print([hex(farmhash.fingerprint64(b[:n])) for n in range(301)])" */
#include <stdio.h>

#include "../kernels/common/fingerprint64.h"

static const uint64_t known[301] = {
    0x9ae16a3b2f90404full, 0x8aa334f91c5bc106ull, 0xddcf873d024ed0c5ull, 0xf9b7aa01c03550eaull,
    0xd8d503003c461469ull, 0x16ff9538420ed51full, 0x8024d1e71dfb4cf1ull, 0x09152394440cacf1ull,
    0xddbab18b55be8b4cull, 0xfe326ef139382fc3ull, 0x8b59c3857143a761ull, 0x3bc4cc9ce66dd6a6ull,
    0xbc577c5248046a15ull, 0xa6924f769a8a570eull, 0xe229f4f4f96745b3ull, 0xad3335605252f371ull,
    0x4324066fc066958aull, 0x420fcc07532fff82ull, 0xccc63955b43f0ddfull, 0x0aa8a176e2e39dcaull,
    0x4a416c942bf13457ull, 0x8c4282ad23252ab3ull, 0x6d0282202a9d98dbull, 0xcca9010704456b16ull,
    0xf23380094952df45ull, 0x02f51fb97435dfc3ull, 0x051a3420caeba489ull, 0x19b55fb9d1dc61daull,
    0x5d1cc7fb060a7e36ull, 0x82e0447283022808ull, 0xcf34a991d8976d22ull, 0xba034dd97c2d8a80ull,
    0xdbed531991fec30full, 0x0ba35d5b37ff3e73ull, 0xd43dc79db9de6df2ull, 0x692cbc6a05e935ceull,
    0xf139fae6d1580550ull, 0x73835bbb9bf60575ull, 0x77429824c7d9d0fbull, 0xd611ec824c4940caull,
    0xd930b36277493cc9ull, 0x2f107294ebe12507ull, 0x6c26f9a3915cd810ull, 0xa308c097e5d0e884ull,
    0x36078aea588ed034ull, 0x0db4478970063343ull, 0xa9ac2c5008bbbe32ull, 0x28edac8cd2e1bdc6ull,
    0x88e8634f205fb749ull, 0x3dd12123ef4706ffull, 0xfcdd1ce83610bf56ull, 0x874e54da45a3503cull,
    0x9fcb542c37ad6bd0ull, 0xfcd4ed59d6c43a50ull, 0x37521aabfe4d0c78ull, 0x3d69e4d9acb3da2full,
    0x72c6137a5c419f84ull, 0xc415b1e022e6a9eaull, 0x400b132218cfadaeull, 0xb5da20a126f00a4eull,
    0x8f50f4214d48b9e8ull, 0x3878bf603ce318a2ull, 0x91509c24adc6af1bull, 0x2ae6c5812c66362bull,
    0x81393166085586c7ull, 0x35331b02252a2352ull, 0x630640d31a4f521aull, 0x132bfb926b51d7b8ull,
    0x48dac006d4b4b7ceull, 0x406653c2effeaf53ull, 0x1f032eb8dc14cbe1ull, 0x8836f5068c64f31cull,
    0x11b158fab5407b67ull, 0xb7a4134e12f5e40eull, 0xc4b85e2be7bd5e93ull, 0x3048c60ee7a6a9f0ull,
    0x1686b82ec956ae08ull, 0xc2246b0f041f9deeull, 0x7c7474bf51527ecaull, 0xc8c9468d9341e484ull,
    0x9dcc97c7bacb56a2ull, 0x19e751a9fdbdeb66ull, 0xf25a0424c5dd946cull, 0xdc5cb5ec5ada232bull,
    0x7459e788599893f6ull, 0x42b2276d6765043cull, 0x5b2d7b1d51b71fafull, 0x2009eb74d68273dfull,
    0xa39fa6ae0be569d4ull, 0x9c5ba70bb974a531ull, 0x0d1660d7ef006d49ull, 0x7568ea21ec2ee423ull,
    0x8073534800adcffdull, 0x9b6defce0b08fe15ull, 0xcd917c9f8c4d99e2ull, 0x23d43166588115b1ull,
    0xea845cfb97ffb862ull, 0xb0af343c0fbc2a85ull, 0xda9ae3babc5a40f3ull, 0xa9f50d319c7107b0ull,
    0x9997646354e68fb3ull, 0x0cd7fd9e571a5a4cull, 0xb2de4b0f295e51b6ull, 0x68cb984e9079eb33ull,
    0xe57332fd80b4b506ull, 0x35f923dbd234f619ull, 0x06bcf7c9c8a48046ull, 0xd7dee643f1b1848eull,
    0x3535e86c0182727dull, 0x9e9627218150e94eull, 0xc2210f30f6ccae3cull, 0x16288376165bde0full,
    0x9e43f7b2a6b0b1d2ull, 0x5f1a9c7d63e44f9cull, 0x2f3ba1cd8ea75553ull, 0xd7e4f601f449192bull,
    0x7251a74cc8413b6bull, 0x6b18b34eeac4d2abull, 0x2a3fc452e2bbbc79ull, 0xc08736ec38b218e4ull,
    0x1082b8c0a3d1e8faull, 0xa5fa197e5e7ae23cull, 0x380459ed9df7a17eull, 0x021d180bbbf44805ull,
    0x5023895cc9ffe422ull, 0x7c79a0b695a9136cull, 0x846113ff2cb49b9cull, 0x64001404686ec0ccull,
    0x0e94908fa1a00737ull, 0xda3fdeda93000d21ull, 0x7cbc2ab9b5068b9cull, 0x2ed4f017459100efull,
    0x938a7602c8a2bf97ull, 0x0e6a10f33cce3101ull, 0xce93f836b3e6b2a1ull, 0xa1ad56d83d6bc0a8ull,
    0x59a35a1da78df236ull, 0xff28eec7d089dd1dull, 0x3223a88110bf1da0ull, 0x30f556d21d3a793bull,
    0x767ec349364af33eull, 0x5bb070c26843cb89ull, 0x124b83f1d5a2c585ull, 0xa45eb843b8a74919ull,
    0xe0ced6fcea1e170eull, 0xb371fe54641959caull, 0xbe8641e91b94bcfbull, 0xdc53c291785379dcull,
    0x7b824517e5ef24b8ull, 0x5c175a559686bdb5ull, 0xbe33dc48b37acd3dull, 0xa25f65b212bf8260ull,
    0x9fd6788b79beaab0ull, 0x1addce37be978016ull, 0xb93b6c2a77490e2cull, 0x43f4d29ae4633f75ull,
    0x3e0ccee88072e510ull, 0x504dec498690a2b1ull, 0x2e8f418fed23f3afull, 0xd94eb5951bfc244dull,
    0x04cfbea65b2bff5bull, 0x45028f683f72718eull, 0x248cf4d7a8aca474ull, 0xb4a7d6e808b2c1b9ull,
    0xf8c97dc0b12eb6a2ull, 0x4e6f7565f2f394b8ull, 0x840130a81d901d1bull, 0x84826368f8f0bf57ull,
    0x2c5daea9984403bfull, 0xbf26b449086f8eb9ull, 0xa329be02a18dad8cull, 0x27adeac01a01e336ull,
    0x8854d29a89fa9ed0ull, 0xd3659a647d88ab53ull, 0xf3d2a4c434f6830cull, 0x18434385411ac739ull,
    0x1aa82aef4fb4d750ull, 0x56f1ef9f79259641ull, 0xb3c655cebdb198bdull, 0x7ac2b6bdc39e237bull,
    0x8149002b0a5e11bcull, 0x45a42a9ede72b53dull, 0xea1af0eca1aa4fe1ull, 0xef153b2a75a4f093ull,
    0x15b7cf74541c187eull, 0xde2876978609e261ull, 0xfb88e9b455ab3aa6ull, 0xc0e773feea7e132bull,
    0xf64831f1903934efull, 0xeda643bba1cedf48ull, 0x72f79d8ba42f02a2ull, 0x434c849875ccb68bull,
    0x0c5f2bf06b78518bull, 0x5f14740f61acd7c2ull, 0xf3d33272c26ff185ull, 0x143f33ac3dbf8556ull,
    0x3c517771bce0c4c1ull, 0x7fb2efdcb510b004ull, 0xf6d85c65b58b754dull, 0x56c469fa7b95e3b8ull,
    0x8bb8c721122942f8ull, 0x36e097e9ffcad7e9ull, 0xf59deb90906d2c99ull, 0xa57d8b7e783414fbull,
    0x4e237bb0cfb3d02dull, 0xfcc8adca97da1185ull, 0x26e49a90c2749530ull, 0xf6865155ddb98857ull,
    0xe35605aee1554641ull, 0x178d886c4c994445ull, 0xdc71733a61a6393dull, 0x5b161877238ae075ull,
    0xd64727b198a6d63dull, 0xcf0625b1b9910f02ull, 0x542043792ad69abfull, 0x412eb8e334872b7eull,
    0xb5ffb9137a619602ull, 0x6f32466434c1ae10ull, 0x7da83ca0f92efd5full, 0x1eba125135cedd71ull,
    0xaf4abea9ab37e277ull, 0x0aaf85e1d6ce8c0full, 0x4e1ad35c765d7338ull, 0x586787486e55527dull,
    0x173f0e2186d9dba3ull, 0x3bcc1a5c56d4893dull, 0xc49645cce15b7d4eull, 0x4720935b390a785bull,
    0x2d6fb2f5d77294f8ull, 0xe008e8e0fdd68b8eull, 0xa927748ba1f7ae35ull, 0x063d682f35c577a9ull,
    0x41806b99c8deddbcull, 0xe788d089c1902048ull, 0x1ffe327a28ac5cd5ull, 0x11058523c3181987ull,
    0x3f60aff2cc5850d0ull, 0xc1d2722bb86ebe5cull, 0x5aca5caca4cb7c79ull, 0x2bd9960ee1e2d9c6ull,
    0x7fd46c3a8f5c9100ull, 0x9651c54ab369657cull, 0xcab7d8fdc97b75beull, 0x8ba9cdf9018e95f6ull,
    0x8f5585cb288f30f9ull, 0x5bfceeae352c3ef8ull, 0xa5a759b45231077bull, 0xccae53ec77d53d4bull,
    0x1d214e427067e658ull, 0x2e473f01c6083212ull, 0x98ef878bb186a5cdull, 0x6860c271b3330b29ull,
    0x928c9a4972ae6679ull, 0x9cca3fe1439964eaull, 0x4e38900095ae4787ull, 0xc28e4745b19cb43aull,
    0x6cbcbd666de1badbull, 0x4eb687180c8b85efull, 0x65c6996fc429c87aull, 0xd730446656bffaa2ull,
    0xa380f2d309dc0106ull, 0xc90056b6a868eb3dull, 0x98a068b45e608a97ull, 0x50f67a2b797094f4ull,
    0xcf7493cc830cf10bull, 0xaa9afdf7a89f9ec1ull, 0x8f0fc1496e8f72dfull, 0x8c0d9e371e2a7f66ull,
    0x03540ec46379db90ull, 0x3873e2dd9f7cdf6full, 0xc7bac2475e4452fbull, 0x3c8fc9dc1008daefull,
    0xfc2dfc4b8f83ff94ull, 0x404a6eb0092b1dfaull, 0xd997748aa9a8f5c3ull, 0x403ca6bcb53e0568ull,
    0x88e4757341d45b45ull, 0xa6fe00cdabf523f4ull, 0xc1d87cde8b25ea9bull, 0x6b9f194620893a7aull,
    0x2ba7966f358f1141ull, 0xac71d5ba654878d8ull, 0x56d9eedb95991148ull, 0x9f30552702426d69ull,
    0x9ca0654557f4d983ull, 0x8e256cce10e880ecull, 0xf462ed0d87a4816cull, 0x4a33bb6fa0183ccaull,
    0x1e11a0d159bf7898ull, 0x471e8ac9fedf6172ull, 0xb3f63f9e5603f77dull, 0xb97a39e6132e335bull,
    0x60f50692fe3f06a9ull, 0x351913599563e489ull, 0x63a9dd4776cff4f8ull, 0xba11fc0645767a93ull,
    0xa8c5bafab543c1f4ull, 0x263b0d564363ac29ull, 0x5084380efa5a9fbaull, 0x969513d0faf648d1ull,
    0xfc3062bc51a0193dull,
};

int main(void) {
    uint8_t bytes[300];
    int failures = 0;
    size_t n;
    for (n = 0; n < sizeof bytes; n++) bytes[n] = (uint8_t)(n * 167 + 13);
    for (n = 0; n <= sizeof bytes; n++) {
        uint64_t got = tl_fingerprint64(bytes, n);
        if (got != known[n]) {
            printf("fingerprint64 of %u bytes: %016llx, expected %016llx\n", (unsigned)n, (unsigned long long)got,
                   (unsigned long long)known[n]);
            failures++;
        }
    }
    if (failures) return 1;
    printf("fingerprint64: 301 lengths equal FarmHash's values\n");
    return 0;
}
