"""The privacy notice (隐私告知) a rider reads and agrees to when registering.

The text lives here, in the repository, so that every version is in the history. Changing what
it says means a new VERSION: riders who registered under an older one keep the version they
agreed to on their profile.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class PrivacyNotice:
    version: str
    text_zh: str
    text_en: str


CURRENT_NOTICE = PrivacyNotice(
    version="2026-12-06",
    text_zh="\n".join(
        (
            "探头 个人信息处理告知（依据《中华人民共和国个人信息保护法》）",
            "",
            "一、我们收集什么、为什么",
            (
                "1. 报到备案信息：手机号（也是登录账号）、姓名、所属平台、是否党员、报到社"
                "区和志愿者队伍。用途：社区审核您的报到、联系您、组织志愿服务。是否党员属于您"
                "自愿提供的信息。"
            ),
            (
                "2. 您上报的问题：照片、位置、类别和描述。用途：把问题派给负责的网格和处置"
                "单位，并把处理结果反馈给您。照片中的定位和设备信息在保存前即被去除。"
            ),
            "3. 积分与兑换记录、通知和评价。用途：志愿服务积分兑换和结果反馈。",
            "",
            "二、谁能看到",
            (
                "网格员和社区管理员可以看到其负责区域的骑手和问题；您的手机号对他们只显示部分"
                "号码（如 138****0001），只有系统管理员和您本人能看到完整号码。处"
                "置单位只能看到派给他们的问题，看不到您的身份。其他骑手在排行榜和队伍页面上看"
                "到您的姓名和部分号码。"
            ),
            "",
            "三、保存多久",
            (
                "账号存续期间保存您的报到信息。您注销账号后，姓名和手机号立即删除；您上报的问"
                "题作为城市治理记录继续保存，但不再与您关联；积分流水匿名保留，用于库存和积分"
                "总账的核对。"
            ),
            "",
            "四、您的权利",
            (
                "您可以在“我的”页面随时下载系统保存的关于您的全部信息（JSON 文件），也"
                "可以注销账号。注销不可撤销。对本告知有疑问，请联系您所在社区的管理员。"
            ),
            "",
            "五、同意",
            (
                "勾选“我已阅读并同意”即表示您同意按本告知处理上述个人信息。不同意则无法完成"
                "报到备案。"
            ),
        )
    ),
    text_en="\n".join(
        (
            (
                "Tantou: how your personal information is handled (under China's Personal "
                "Information Protection Law)"
            ),
            "",
            "1. What we collect and why",
            (
                "- Your registration: phone number (also your login), name, delivery platform, "
                "party membership, community and volunteer team. Used to review your "
                "registration, contact you and organise volunteer work. Party membership is "
                "given voluntarily."
            ),
            (
                "- Your reports: photos, location, category and description. Used to send the "
                "problem to the grid and unit responsible and tell you the outcome. GPS and "
                "device data are removed from photos before they are stored."
            ),
            (
                "- Points, redemptions, notifications and ratings, for the points scheme and "
                "feedback."
            ),
            "",
            "2. Who sees it",
            (
                "Grid coordinators and community admins see the riders and "
                "reports of their areas; they see your phone masked (138****0001): only system "
                "admins and you see the full number. Handling units see the problems sent to "
                "them, not who reported them. Other riders see your name and masked phone on "
                "leaderboards and team pages."
            ),
            "",
            "3. How long",
            (
                "Your registration is kept while your account exists. When you end "
                "your account, your name and phone are deleted at once; your reports stay as "
                "the city's record but are no longer linked to you; your points ledger is kept "
                "anonymously so that stock and points totals still add up."
            ),
            "",
            "4. Your rights",
            (
                "On the “Me” page you can download everything the system holds "
                "about you (a JSON file) and end your account at any time. Ending it cannot be "
                "undone. Questions: your community's admin."
            ),
            "",
            "5. Consent",
            (
                "Ticking “I have read and agree” means you agree to this processing. "
                "Without it the registration cannot be completed."
            ),
        )
    ),
)
